import { maxStrided, minStrided, sumSquaresStrided, sumStrided } from './_kernels/reductions.js';
import { loopNest } from './_loopNest.js';
import { fmtShape } from './_shape.js';
import type { DType } from './dtype.js';
import {
  assertShape,
  assertTensor,
  type Matrix,
  type Tensor,
  type Vector,
  zeros,
} from './tensor.js';

/**
 * Sum of all elements, or along an axis of a matrix: `axis: 0` sums over rows (one value per
 * column), `axis: 1` over columns (one value per row).
 *
 * @example
 * sum(fromArray([[1, 2], [3, 4]]));    // returns 10
 * toArray(sum(fromArray([[1, 2], [3, 4]]), 0)); // returns [4, 6]
 */
export function sum(x: Tensor): number;
export function sum<D extends DType>(x: Matrix<D>, axis: 0 | 1): Vector<D>;
export function sum(x: Tensor, axis?: 0 | 1): number | Vector {
  assertTensor('sum', 'x', x);
  if (axis === undefined) return whole(sumStrided, x);
  return reduceAxis('sum', x, axis, 1);
}

/**
 * Mean of all elements, or along an axis of a matrix (see {@link sum}).
 *
 * @throws {RangeError} for an empty reduction
 */
export function mean(x: Tensor): number;
export function mean<D extends DType>(x: Matrix<D>, axis: 0 | 1): Vector<D>;
export function mean(x: Tensor, axis?: 0 | 1): number | Vector {
  assertTensor('mean', 'x', x);
  if (axis === undefined) {
    const n = x.data.length === 0 ? 0 : x.shape.reduce((p, s) => p * s, 1);
    if (n === 0) throw new RangeError('mean: cannot take the mean of an empty tensor');
    return whole(sumStrided, x) / n;
  }
  const count = x.shape[axis] ?? 0;
  if (count === 0)
    throw new RangeError(`mean: axis ${axis} of shape ${fmtShape(x.shape)} is empty`);
  return reduceAxis('mean', x, axis, 1 / count);
}

// The whole-tensor reductions run the loops of _kernels/ on every path: they visit elements in
// ndarray-ops' order with ndarray-ops' arithmetic, so they return what ndarray-ops returned.
function whole(kernel: typeof sumStrided, x: Tensor): number {
  const [rows, cols, s0, s1] = loopNest(x);
  return kernel(rows, cols, x.data, s0, s1, x.offset);
}

function reduceAxis(op: string, x: Tensor, axis: 0 | 1, factor: number): Vector {
  if (x.shape.length !== 2)
    throw new RangeError(`${op}: axis needs a matrix, got shape ${fmtShape(x.shape)}`);
  if (axis !== 0 && axis !== 1)
    throw new RangeError(`${op}: axis must be 0 or 1, got ${String(axis)}`);
  const [rows, cols] = x.shape as readonly [number, number];
  const [s0, s1] = x.stride as readonly [number, number];
  const out = zeros([axis === 0 ? cols : rows] as const, { dtype: x.dtype });
  const acc = new Float64Array(out.shape[0]);
  for (let i = 0; i < rows; i++) {
    let o = x.offset + i * s0;
    for (let j = 0; j < cols; j++, o += s1) acc[axis === 0 ? j : i] += x.data[o];
  }
  for (let k = 0; k < acc.length; k++) out.data[k] = acc[k] * factor;
  return out;
}

/**
 * The Frobenius (or Euclidean, for a vector) norm, `sqrt(sum x^2)`.
 *
 * @example
 * frobeniusNorm(fromArray([3, 4])); // returns 5
 */
export function frobeniusNorm(x: Tensor): number {
  assertTensor('frobeniusNorm', 'x', x);
  return Math.sqrt(whole(sumSquaresStrided, x));
}

/** The Euclidean norm of each row of a matrix, as a float64 vector of length `rows`. */
export function rowNorms(x: Matrix): Vector<'float64'> {
  assertTensor('rowNorms', 'x', x, 2);
  const [rows, cols] = x.shape;
  const out = zeros([rows] as const, { dtype: 'float64' });
  for (let i = 0; i < rows; i++) {
    let o = x.offset + i * x.stride[0];
    let acc = 0;
    for (let j = 0; j < cols; j++, o += x.stride[1]) acc += x.data[o] * x.data[o];
    out.data[i] = Math.sqrt(acc);
  }
  return out;
}

/**
 * The inner product of two vectors of equal length, accumulated in float64.
 *
 * @throws {RangeError} when the lengths differ
 * @example
 * dot(fromArray([1, 2]), fromArray([3, 4])); // returns 11
 */
export function dot(a: Vector, b: Vector): number {
  assertTensor('dot', 'a', a, 1);
  assertShape('dot', 'b', b, [a.shape[0]]);
  let acc = 0;
  for (let i = 0; i < a.shape[0]; i++)
    acc += a.data[a.offset + i * a.stride[0]] * b.data[b.offset + i * b.stride[0]];
  return acc;
}

/** The largest element (`-Infinity` for an empty tensor). */
export function max(x: Tensor): number {
  assertTensor('max', 'x', x);
  return whole(maxStrided, x);
}

/** The smallest element (`Infinity` for an empty tensor). */
export function min(x: Tensor): number {
  assertTensor('min', 'x', x);
  return whole(minStrided, x);
}

/**
 * A copy of `x` with every row scaled to unit Euclidean norm; zero rows stay zero.
 *
 * @example
 * toArray(normalizeRows(fromArray([[3, 4]]))); // returns [[0.6, 0.8]]
 */
export function normalizeRows<D extends DType>(x: Matrix<D>): Matrix<D> {
  assertTensor('normalizeRows', 'x', x, 2);
  const out = zeros(x.shape, { dtype: x.dtype });
  const norms = rowNorms(x);
  const [rows, cols] = x.shape;
  for (let i = 0; i < rows; i++) {
    const s = norms.data[i] > 0 ? 1 / norms.data[i] : 0;
    let o = x.offset + i * x.stride[0];
    for (let j = 0; j < cols; j++, o += x.stride[1]) out.data[i * cols + j] = x.data[o] * s;
  }
  return out;
}
