import { fmtShape } from '../_shape.js';
import { assertTensor, type Matrix, type Vector } from '../tensor.js';
import { asMatrix, asVector } from './_dense.js';
import { type CholeskyOptions, choleskyFactor } from './cholesky.js';
import { readRhs, substitute } from './choleskySolve.js';

/**
 * Solves `a x = b` for a symmetric positive definite `a` (a ridge normal-equation matrix
 * `X^T X + lambda I`, a Newton Hessian) through its Cholesky factor, in float64. To solve
 * several systems with one `a`, factor once with {@link cholesky} and call
 * {@link choleskySolve}, or pass the right-hand sides as the columns of one matrix `b`.
 *
 * @param a - `[n, n]` symmetric positive definite, float32 or float64; not modified
 * @param b - `[n]` or `[n, k]`, float32 or float64; not modified
 * @param opts - see {@link CholeskyOptions}
 * @returns `x` with the shape of `b`, float64
 * @throws {TypeError} when `a` is not a Matrix or `b` is not a Vector or Matrix
 * @throws {RangeError} when `a` is not square or not symmetric, `b` has the wrong number of
 *   rows, or an entry of either is NaN or infinite
 * @throws {NotPositiveDefiniteError} naming the failing pivot when `a` is not positive definite
 * @example
 * toArray(solveSymmetricPositive(fromArray([[4, 2], [2, 5]]), fromArray([6, 7])));
 * // returns [1, 1]
 */
export function solveSymmetricPositive(
  a: Matrix,
  b: Vector,
  opts?: CholeskyOptions,
): Vector<'float64'>;
export function solveSymmetricPositive(
  a: Matrix,
  b: Matrix,
  opts?: CholeskyOptions,
): Matrix<'float64'>;
export function solveSymmetricPositive(
  a: Matrix,
  b: Vector | Matrix,
  opts?: CholeskyOptions,
): Vector<'float64'> | Matrix<'float64'>;
export function solveSymmetricPositive(
  a: Matrix,
  b: Vector | Matrix,
  opts: CholeskyOptions = {},
): Vector<'float64'> | Matrix<'float64'> {
  const op = 'solveSymmetricPositive';
  // Check the cheap things (shapes, b's entries) before the O(n^3) factorisation.
  assertTensor(op, 'a', a, 2);
  const n = a.shape[0];
  if (a.shape[1] !== n) {
    throw new RangeError(`${op}: a must be square, got shape ${fmtShape(a.shape)}`);
  }
  const { x, k } = readRhs(op, b, n);
  const l = choleskyFactor(op, a, opts);
  substitute(l, n, x, k);
  return b.shape.length === 1 ? asVector(x) : asMatrix(x, n, k);
}
