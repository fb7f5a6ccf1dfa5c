import type { Matrix } from '../tensor.js';
import { asMatrix, checkSquare, defaultSymmetryTol, readDense, symmetrize } from './_dense.js';

/** Options for {@link cholesky} and {@link solveSymmetricPositive}. */
export interface CholeskyOptions {
  /**
   * Largest accepted `max |a_ij - a_ji| / max |a_ij|`; the symmetric part `(a + a^T) / 2` is
   * then factored. Default `1e-8` for float64 input, `1e-4` for float32.
   */
  symmetryTol?: number;
}

/**
 * Thrown by {@link cholesky} when the matrix is not (numerically) positive definite. A
 * `RangeError`, so callers can catch it specifically and retry with a larger ridge.
 */
export class NotPositiveDefiniteError extends RangeError {
  /** Index of the failing pivot (0-based). */
  readonly pivot: number;
  /** The value the pivot `a_jj - sum_k l_jk^2` took. */
  readonly value: number;

  constructor(op: string, pivot: number, value: number, threshold: number) {
    super(
      `${op}: matrix is not positive definite: pivot ${pivot} is ${value.toExponential(3)} (must exceed ${threshold.toExponential(3)}); add a ridge (a + lambda I) if a is only semi-definite`,
    );
    this.name = 'NotPositiveDefiniteError';
    this.pivot = pivot;
    this.value = value;
  }
}

/**
 * Cholesky factor: the lower-triangular `l` with a positive diagonal and `a = l l^T`, computed
 * in float64 (Cholesky–Banachiewicz, row by row). A pivot counts as failing, and the matrix as
 * not positive definite, when it is at most `n * 2^-52 * max_i a_ii`: such a matrix is singular
 * to working precision, and solving with it would return noise.
 *
 * @param a - `[n, n]` symmetric positive definite, float32 or float64; not modified
 * @param opts - see {@link CholeskyOptions}
 * @returns `l`: `[n, n]` float64, lower triangular (zeros above the diagonal)
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when `a` is not square, not symmetric within `symmetryTol`, or has a
 *   NaN or infinite entry
 * @throws {NotPositiveDefiniteError} naming the failing pivot when `a` is not positive definite
 * @example
 * toArray(cholesky(fromArray([[4, 2], [2, 5]]))); // returns [[2, 0], [1, 2]]
 */
export function cholesky(a: Matrix, opts: CholeskyOptions = {}): Matrix<'float64'> {
  const l = choleskyFactor('cholesky', a, opts);
  const n = a.shape[0];
  return asMatrix(l, n, n);
}

/** The row-major float64 factor; shared with {@link solveSymmetricPositive}. @internal */
export function choleskyFactor(op: string, a: Matrix, opts: CholeskyOptions): Float64Array {
  const d = readDense(op, 'a', a, 'row');
  const n = checkSquare(op, 'a', d);
  symmetrize(op, 'a', d.data, n, opts.symmetryTol ?? defaultSymmetryTol(a.dtype));
  const A = d.data;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]);
  const threshold = n * Number.EPSILON * maxDiag;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let acc = A[ri + j];
      for (let k = 0; k < j; k++) acc -= L[ri + k] * L[rj + k];
      if (j < i) {
        L[ri + j] = acc / L[rj + j];
      } else {
        if (!(acc > threshold)) throw new NotPositiveDefiniteError(op, i, acc, threshold);
        L[ri + i] = Math.sqrt(acc);
      }
    }
  }
  return L;
}
