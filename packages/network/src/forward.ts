import {
  assertSameDType,
  assertShape,
  type DType,
  gemmInto,
  isContiguous,
  type Matrix,
  matvec,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { planActivation } from './activation.js';
import { assertLayer, type Layer } from './layer.js';

/**
 * Pre-activations `Z = X W^T + 1 b^T`.
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
  return dense('preactivations', layer, x, out, false);
}

// X W^T + 1 b^T, then the layer's activation when `activate`: one GEMM whose epilogue adds the
// bias and applies the activation (for the ReLU family one SIMD pass on the wasm backend, the
// same operations as before activations were pluggable, so ReLU results are unchanged).
function dense<D extends DType>(
  op: string,
  layer: Layer<D>,
  x: Matrix<D>,
  out: Matrix<D> | undefined,
  activate: boolean,
): Matrix<D> {
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
  const epilogue = activate ? planActivation(op, layer.activation).epilogue : undefined;
  gemmInto(z, x, layer.w, { transB: true, bias: layer.b, epilogue });
  return z;
}

/**
 * Hidden features `H = phi(X W^T + 1 b^T)`, phi the layer's activation (ReLU by default).
 *
 * @param x - inputs `[n, d]`
 * @param out - optional contiguous `[n, m]` to write into, as for {@link preactivations}
 * @returns `[n, m]` (`out` when given)
 * @example
 * const h = hidden(layer, x); // [n, m], non-negative for ReLU
 * hidden(layer, x, h); // the same values again, into h
 */
export function hidden<D extends DType>(layer: Layer<D>, x: Matrix<D>, out?: Matrix<D>): Matrix<D> {
  return dense('hidden', layer, x, out, true);
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
