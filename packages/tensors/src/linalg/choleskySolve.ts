import { fmtShape } from '../_shape.js';
import { assertTensor, type Matrix, type Vector } from '../tensor.js';
import { asMatrix, asVector, checkSquare, readDense } from './_dense.js';

/**
 * Solves `l l^T x = b` given the Cholesky factor `l` of a symmetric positive definite matrix
 * (see {@link cholesky}), by forward then back substitution in float64. `b` may be a vector or
 * a matrix whose columns are separate right-hand sides.
 *
 * @param l - `[n, n]` lower triangular with a positive diagonal, float32 or float64
 * @param b - `[n]` or `[n, k]`, float32 or float64; not modified
 * @returns `x` with the shape of `b`, float64
 * @throws {TypeError} when `l` is not a Matrix or `b` is not a Vector or Matrix
 * @throws {RangeError} when `l` is not square, has a non-zero entry above the diagonal or a
 *   diagonal entry that is not positive, `b` has the wrong number of rows, or an entry of
 *   either is NaN or infinite
 * @example
 * const l = cholesky(fromArray([[4, 2], [2, 5]]));
 * toArray(choleskySolve(l, fromArray([6, 7]))); // returns [1, 1]
 */
export function choleskySolve(l: Matrix, b: Vector): Vector<'float64'>;
export function choleskySolve(l: Matrix, b: Matrix): Matrix<'float64'>;
export function choleskySolve(l: Matrix, b: Vector | Matrix): Vector<'float64'> | Matrix<'float64'>;
export function choleskySolve(
  l: Matrix,
  b: Vector | Matrix,
): Vector<'float64'> | Matrix<'float64'> {
  const op = 'choleskySolve';
  const L = readDense(op, 'l', l, 'row');
  const n = checkSquare(op, 'l', L);
  for (let i = 0; i < n; i++) {
    if (!(L.data[i * n + i] > 0)) {
      throw new RangeError(
        `${op}: l must have a positive diagonal, got l[${i}, ${i}] = ${L.data[i * n + i]}`,
      );
    }
    for (let j = i + 1; j < n; j++) {
      if (L.data[i * n + j] !== 0) {
        throw new RangeError(
          `${op}: l must be lower triangular, got l[${i}, ${j}] = ${L.data[i * n + j]}; pass cholesky(a), not a`,
        );
      }
    }
  }
  const { x, k } = readRhs(op, b, n);
  substitute(L.data, n, x, k);
  return b.shape.length === 1 ? asVector(x) : asMatrix(x, n, k);
}

/** Reads `b` (`[n]` or `[n, k]`) into a row-major float64 `[n, k]` buffer. @internal */
export function readRhs(op: string, b: unknown, n: number): { x: Float64Array; k: number } {
  assertTensor(op, 'b', b);
  const t = b as Vector | Matrix;
  const asCol: Matrix =
    t.shape.length === 1
      ? {
          dtype: t.dtype,
          shape: [t.shape[0], 1],
          stride: [t.stride[0], 1],
          offset: t.offset,
          data: t.data,
        }
      : (t as Matrix);
  const d = readDense(op, 'b', asCol, 'row');
  if (d.rows !== n) {
    throw new RangeError(
      `${op}: b has shape ${fmtShape(t.shape)}, expected [${n}]${t.shape.length === 2 ? ` or [${n}, k]` : ''} to match the ${n} x ${n} matrix`,
    );
  }
  return { x: d.data, k: d.cols };
}

/**
 * Overwrites the row-major `[n, k]` buffer `x` (holding `b`) with the solution of
 * `L L^T x = b`, `L` row-major lower triangular. Both sweeps run along rows, so every inner
 * loop reads contiguous memory. @internal
 */
export function substitute(L: Float64Array, n: number, x: Float64Array, k: number): void {
  // L y = b
  for (let i = 0; i < n; i++) {
    const xi = i * k;
    for (let j = 0; j < i; j++) {
      const lij = L[i * n + j];
      if (lij === 0) continue;
      const xj = j * k;
      for (let c = 0; c < k; c++) x[xi + c] -= lij * x[xj + c];
    }
    const lii = L[i * n + i];
    for (let c = 0; c < k; c++) x[xi + c] /= lii;
  }
  // L^T x = y, from the last row up: x_i = (y_i - sum_{j > i} l_ji x_j) / l_ii
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * k;
    for (let j = i + 1; j < n; j++) {
      const lji = L[j * n + i];
      if (lji === 0) continue;
      const xj = j * k;
      for (let c = 0; c < k; c++) x[xi + c] -= lji * x[xj + c];
    }
    const lii = L[i * n + i];
    for (let c = 0; c < k; c++) x[xi + c] /= lii;
  }
}
