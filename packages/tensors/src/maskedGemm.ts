import { kernels } from './backend.js';
import type { MaskFactor } from './kernelTypes.js';
import { assertSameDType, assertShape, assertTensor, type Matrix, type Vector } from './tensor.js';
import { checkFinite, checkFunction, checkObject, checkOneOf } from './validate.js';

/**
 * The elementwise factor {@link maskedGemmInto} applies to `g a^T`, a function of the
 * pre-activations z (an activation's derivative):
 *
 * - `{ kind: 'step', below, above }`: `below` where `z <= 0` (NaN included), `above` where
 *   `z > 0`. The default `{ below: 0, above: 1 }` is the exact mask (0 below, never `0 * inf`)
 *   and runs on every backend's fused path; a leaky slope is `{ below: slope, above: 1 }`.
 * - `{ kind: 'matrix', d }`: an explicit `[n, m]` matrix of factors (same dtype), e.g. a
 *   smooth activation's derivative at z.
 * - `{ kind: 'map', fn }`: `fn(z)` for each entry, evaluated in TypeScript into an `[n, m]`
 *   matrix first.
 */
export type MaskedFactor =
  | { readonly kind: 'step'; readonly below: number; readonly above: number }
  | { readonly kind: 'matrix'; readonly d: Matrix }
  | { readonly kind: 'map'; readonly fn: (z: number) => number };

/** Options for {@link maskedGemmInto}. */
export interface MaskedGemmOptions {
  /** Scale of the product; default 1. */
  alpha?: number;
  /** Scale of the existing `out`; default 0 (overwrite). */
  beta?: number;
  /** The factor applied to `g a^T`; default `{ kind: 'step', below: 0, above: 1 }`. */
  factor?: MaskedFactor;
  /** The backend to run on, by name (default: the active one). */
  backend?: string;
}

const FACTOR_KINDS = ['step', 'matrix', 'map'] as const;

function kernelFactor(value: unknown, z: Matrix): MaskFactor | undefined {
  if (value === undefined) return undefined;
  const op = 'maskedGemm';
  const f = checkObject<{
    kind?: unknown;
    below?: unknown;
    above?: unknown;
    d?: unknown;
    fn?: unknown;
  }>(op, 'factor', value);
  const kind = checkOneOf(op, 'factor.kind', f.kind, FACTOR_KINDS);
  if (kind === 'step') {
    return {
      kind,
      below: checkFinite(op, 'factor.below', f.below),
      above: checkFinite(op, 'factor.above', f.above),
    };
  }
  const [n, m] = z.shape;
  if (kind === 'matrix') {
    assertShape(op, 'factor.d', f.d, [n, m]);
    const d = f.d as Matrix;
    assertSameDType(op, { z, 'factor.d': d });
    return { kind, data: d.data, s0: d.stride[0], s1: d.stride[1], offset: d.offset };
  }
  const fn = checkFunction<(z: number) => number>(op, 'factor.fn', f.fn);
  const data = z.dtype === 'float32' ? new Float32Array(n * m) : new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = z.offset + i * z.stride[0];
    for (let j = 0; j < m; j++) data[i * m + j] = fn(z.data[row + j * z.stride[1]]);
  }
  return { kind: 'matrix', data, s0: m, s1: 1, offset: 0 };
}

/**
 * The row-masked product, in place: `out = alpha * (F ⊙ (g a^T))^T x + beta * out`, without
 * materialising the n x m factor or any transposed copy, where F is the `factor` of the
 * pre-activations z (default 1 where z > 0, else 0). With `z = X W^T + b`, g the loss
 * derivatives, a the head and F the activation's derivative at z, `alpha = 1/n` gives the
 * first-layer gradient dL/dW of a two-layer network (docs: Specification, 'Network, losses and gradients').
 *
 * @param out - `[m, d]`
 * @param z - pre-activations `[n, m]`
 * @param g - per-sample loss derivatives `[n]`
 * @param a - head `[m]`
 * @param x - inputs `[n, d]`
 * @throws {RangeError} when shapes or dtypes disagree or the factor is malformed
 * @example
 * maskedGemmInto(gw, z, g, a, x, { alpha: 1 / n });                       // ReLU
 * maskedGemmInto(gw, z, g, a, x, { alpha: 1 / n, factor: { kind: 'step', below: 0.1, above: 1 } });
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
  const factor = kernelFactor(opts.factor, z);
  kernels(opts.backend, 'maskedGemm').maskedGemm(
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
    factor,
  );
}
