import type { Matrix } from '../tensor.js';
import { asMatrix, colToRow, readDense } from './_dense.js';
import { householderQr } from './_householder.js';

/** The thin QR factors returned by {@link qr}. */
export interface QrResult {
  /** `[m, n]`, orthonormal columns (`q^T q = I_n`). */
  q: Matrix<'float64'>;
  /** `[n, n]`, upper triangular with a non-negative diagonal. */
  r: Matrix<'float64'>;
}

/**
 * Thin QR factorisation `a = q r` of a tall matrix by Householder reflections, computed in
 * float64. The diagonal of `r` is made non-negative, which makes the factors unique when `a`
 * has full column rank. For a rank-deficient `a`, `q` still has orthonormal columns and
 * `q r = a`, but some diagonal entries of `r` are (near) zero and the matching columns of `q`
 * are an arbitrary orthonormal completion.
 *
 * @param a - `[m, n]` with `m >= n`, float32 or float64, any strides; not modified
 * @returns `{ q: [m, n], r: [n, n] }`, both float64
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when `m < n` or an entry of `a` is NaN or infinite
 * @example
 * const { q, r } = qr(fromArray([[3, 0], [4, 5], [0, 0]]));
 * toArray(r); // returns [[5, 4], [0, 3]]
 * toArray(q); // returns [[0.6, -0.8], [0.8, 0.6], [0, 0]]
 */
export function qr(a: Matrix): QrResult {
  const d = readDense('qr', 'a', a, 'col');
  const { rows: m, cols: n } = d;
  if (m < n) {
    throw new RangeError(
      `qr: a must be tall (rows >= cols), got shape [${m}, ${n}]; factor transpose(a) instead`,
    );
  }
  const { q, r } = householderQr(d.data, m, n, true);
  return { q: asMatrix(colToRow(q as Float64Array, m, n), m, n), r: asMatrix(r, n, n) };
}
