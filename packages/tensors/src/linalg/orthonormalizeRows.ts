import type { Matrix } from '../tensor.js';
import { asMatrix, norm2, readDense } from './_dense.js';
import { householderQr } from './_householder.js';

/**
 * Rows that are orthonormal (`out out^T = I_r`) and span the same space as the rows of `a`,
 * in order: row i of the result is the Gram–Schmidt orthonormalisation of rows 0..i of `a`
 * (computed stably, by Householder QR of `a^T`, in float64). This is how a ground-truth
 * projection `M` with `M M^T = I_r` is built from a Gaussian `[r, d]` matrix.
 *
 * @param a - `[r, d]` with `r <= d`, float32 or float64; not modified
 * @returns `[r, d]` float64 with orthonormal rows
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when `r > d`, an entry is NaN or infinite, or the rows of `a` are
 *   linearly dependent (a row lies within `1e-12 * ||a||_F` of the span of the earlier rows)
 * @example
 * toArray(orthonormalizeRows(fromArray([[3, 4, 0], [1, 1, 1]])));
 * // returns [[0.6, 0.8, 0], [0, 0, 1]]
 */
export function orthonormalizeRows(a: Matrix): Matrix<'float64'> {
  // Reading a row-major [r, d] buffer as column-major gives a^T ([d, r]) at no cost.
  const d = readDense('orthonormalizeRows', 'a', a, 'row');
  const { rows: r, cols: dim } = d;
  if (r > dim) {
    throw new RangeError(
      `orthonormalizeRows: a must have at most as many rows as columns, got shape [${r}, ${dim}]`,
    );
  }
  const scale = norm2(d.data, 0, d.data.length);
  const { q, r: rr } = householderQr(d.data, dim, r, true);
  for (let i = 0; i < r; i++) {
    if (!(rr[i * r + i] > 1e-12 * scale)) {
      throw new RangeError(
        `orthonormalizeRows: the rows of a are linearly dependent: row ${i} lies in the span of rows 0..${i - 1} (residual ${rr[i * r + i].toExponential(3)})`,
      );
    }
  }
  // q is column-major [d, r], i.e. row-major [r, d]: exactly the rows we want.
  return asMatrix(q as Float64Array, r, dim);
}
