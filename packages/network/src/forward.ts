import {
  assertSameDType,
  assertShape,
  type DType,
  gemmInto,
  type Matrix,
  matvec,
  reluInto,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { assertLayer, type Layer } from './layer.js';

/**
 * Pre-activations Z = X W^T + 1 b^T.
 *
 * @param layer - `{ w: [m, d], b: [m] }`
 * @param x - inputs `[n, d]`
 * @returns `[n, m]`
 * @throws {RangeError} when x does not have d columns
 */
export function preactivations<D extends DType>(layer: Layer<D>, x: Matrix<D>): Matrix<D> {
  const [m, d] = assertLayer('preactivations', layer);
  assertShape('preactivations', 'x', x, [-1, d]);
  assertSameDType('preactivations', { w: layer.w, x });
  const n = x.shape[0];
  const z = zeros([n, m] as const, { dtype: x.dtype });
  gemmInto(z, x, layer.w, { transB: true });
  const b = layer.b;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) z.data[o + j] += b.data[b.offset + j * b.stride[0]];
  }
  return z;
}

/**
 * Hidden features H = relu(X W^T + 1 b^T).
 *
 * @param x - inputs `[n, d]`
 * @returns `[n, m]`
 * @example
 * const h = hidden(layer, x); // [n, m], non-negative
 */
export function hidden<D extends DType>(layer: Layer<D>, x: Matrix<D>): Matrix<D> {
  const z = preactivations(layer, x);
  reluInto(z);
  return z;
}

/**
 * Network outputs f = H a for one task head.
 *
 * @param a - head `[m]`
 * @param x - inputs `[n, d]`
 * @returns `[n]`
 */
export function forward<D extends DType>(layer: Layer<D>, a: Vector<D>, x: Matrix<D>): Vector<D> {
  const [m] = assertLayer('forward', layer);
  assertShape('forward', 'a', a, [m]);
  return matvec(hidden(layer, x), a);
}
