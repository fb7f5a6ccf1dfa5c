import {
  assertSameDType,
  assertShape,
  type DType,
  type FloatArray,
  gemmInto,
  isContiguous,
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
 * @param out - optional contiguous `[n, m]` to write into (reused across calls: no allocation)
 * @returns `[n, m]` (`out` when given)
 * @throws {RangeError} when x does not have d columns, or out is not a contiguous `[n, m]`
 */
export function preactivations<D extends DType>(
  layer: Layer<D>,
  x: Matrix<D>,
  out?: Matrix<D>,
): Matrix<D> {
  const op = 'preactivations';
  const [m, d] = assertLayer(op, layer);
  assertShape(op, 'x', x, [-1, d]);
  assertSameDType(op, { w: layer.w, x });
  const n = x.shape[0];
  let z: Matrix<D>;
  if (out === undefined) z = zeros([n, m] as const, { dtype: x.dtype });
  else {
    assertShape(op, 'out', out, [n, m]);
    assertSameDType(op, { x, out });
    if (!isContiguous(out)) throw new RangeError(`${op}: out must be contiguous (row-major)`);
    z = out;
  }
  gemmInto(z, x, layer.w, { transB: true });
  addBias(z.data, z.offset, n, m, layer.b);
  return z;
}

/**
 * Hidden features H = relu(X W^T + 1 b^T).
 *
 * @param x - inputs `[n, d]`
 * @param out - optional contiguous `[n, m]` to write into, as for {@link preactivations}
 * @returns `[n, m]` (`out` when given)
 * @example
 * const h = hidden(layer, x); // [n, m], non-negative
 * hidden(layer, x, h); // the same values again, into h
 */
export function hidden<D extends DType>(layer: Layer<D>, x: Matrix<D>, out?: Matrix<D>): Matrix<D> {
  const z = preactivations(layer, x, out);
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

// z[i, j] += b[j] on a contiguous [n, m] block; data arrays in locals so V8 keeps the loop tight.
function addBias(zd: FloatArray, zo: number, n: number, m: number, b: Vector): void {
  const bd = b.data;
  const bo = b.offset;
  const bs = b.stride[0];
  for (let i = 0; i < n; i++) {
    const o = zo + i * m;
    for (let j = 0; j < m; j++) zd[o + j] += bd[bo + j * bs];
  }
}
