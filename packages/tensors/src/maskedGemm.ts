import { checkFinite } from './_validate.js';
import { kernels } from './backend.js';
import { assertSameDType, assertShape, assertTensor, type Matrix, type Vector } from './tensor.js';

/** Options for {@link maskedGemmInto}. */
export interface MaskedGemmOptions {
  /** Scale of the product; default 1. */
  alpha?: number;
  /** Scale of the existing `out`; default 0 (overwrite). */
  beta?: number;
}

/**
 * The first-layer gradient product of a two-layer ReLU network, in place:
 * `out = alpha * ((z > 0) ⊙ (g a^T))^T x + beta * out`, without materialising the n x m
 * masked matrix or any transposed copy. With z = X W^T + b, g the loss derivatives and a the
 * head, `alpha = 1/n` gives dL/dW (SPEC 3).
 *
 * @param out - `[m, d]`
 * @param z - pre-activations `[n, m]`
 * @param g - per-sample loss derivatives `[n]`
 * @param a - head `[m]`
 * @param x - inputs `[n, d]`
 * @throws {RangeError} when shapes disagree
 */
export function maskedGemmInto(
  out: Matrix,
  z: Matrix,
  g: Vector,
  a: Vector,
  x: Matrix,
  opts: MaskedGemmOptions = {},
): void {
  assertTensor('maskedGemm', 'z', z, 2);
  const [n, m] = z.shape;
  assertShape('maskedGemm', 'x', x, [n, -1]);
  const d = x.shape[1];
  assertShape('maskedGemm', 'g', g, [n]);
  assertShape('maskedGemm', 'a', a, [m]);
  assertShape('maskedGemm', 'out', out, [m, d]);
  assertSameDType('maskedGemm', { out, z, g, a, x });
  const alpha = checkFinite('maskedGemm', 'alpha', opts.alpha ?? 1);
  const beta = checkFinite('maskedGemm', 'beta', opts.beta ?? 0);
  kernels().maskedGemm(
    n,
    m,
    d,
    alpha,
    z.data,
    z.stride[0],
    z.stride[1],
    z.offset,
    g.data,
    g.stride[0],
    g.offset,
    a.data,
    a.stride[0],
    a.offset,
    x.data,
    x.stride[0],
    x.stride[1],
    x.offset,
    beta,
    out.data,
    out.stride[0],
    out.stride[1],
    out.offset,
  );
}
