import {
  assertSameDType,
  assertShape,
  type DType,
  type Matrix,
  maskedGemmInto,
  matvec,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { preactivations } from './forward.js';
import { assertLayer, type Layer } from './layer.js';
import { getLoss, type LossName } from './losses.js';

/** A labelled batch: inputs `x: [n, d]` and labels `y: [n]` in {-1, +1}. */
export interface Batch<D extends DType = DType> {
  readonly x: Matrix<D>;
  readonly y: Vector<D>;
}

/** Which gradients {@link lossAndGrads} computes; all by default. */
export interface GradsOptions {
  head?: boolean;
  w?: boolean;
  b?: boolean;
}

/** Mean loss, outputs and the requested gradients of one task on one batch. */
export interface LossAndGrads<D extends DType = DType> {
  /** Mean loss (1/n) sum_i l(y_i, f_i). */
  readonly loss: number;
  /** Outputs f: [n]. */
  readonly f: Vector<D>;
  /** Per-sample loss derivatives g_i = l'(y_i, f_i): [n]. */
  readonly g: Vector<D>;
  /** dL/da = H^T g / n: [m] (when requested). */
  readonly head?: Vector<D>;
  /** dL/dW = ((Z > 0) ⊙ (g a^T))^T X / n: [m, d] (when requested). */
  readonly w?: Matrix<D>;
  /** dL/db = ((Z > 0) ⊙ (g a^T))^T 1 / n: [m] (when requested). */
  readonly b?: Vector<D>;
}

/**
 * Per-sample loss derivatives g_i = l'(y_i, f_i) and the mean loss.
 *
 * @param y - labels `[n]`
 * @param f - outputs `[n]`
 */
export function lossDerivatives<D extends DType>(
  loss: LossName,
  y: Vector<D>,
  f: Vector<D>,
): { loss: number; g: Vector<D> } {
  const l = getLoss(loss);
  const n = y.shape[0];
  assertShape('lossDerivatives', 'f', f, [n]);
  const g = zeros([n] as const, { dtype: f.dtype });
  let total = 0;
  for (let i = 0; i < n; i++) {
    const yi = y.data[y.offset + i * y.stride[0]];
    const fi = f.data[f.offset + i * f.stride[0]];
    total += l.value(yi, fi);
    g.data[i] = l.derivative(yi, fi);
  }
  return { loss: n > 0 ? total / n : 0, g };
}

interface ForwardCache<D extends DType> {
  n: number;
  m: number;
  d: number;
  z: Matrix<D>;
  h: Matrix<D>;
  f: Vector<D>;
  g: Vector<D>;
  loss: number;
}

function forwardCache<D extends DType>(
  op: string,
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossName,
): ForwardCache<D> {
  const [m, d] = assertLayer(op, layer);
  assertShape(op, 'a', a, [m]);
  assertShape(op, 'batch.x', batch?.x, [-1, d]);
  const n = batch.x.shape[0];
  assertShape(op, 'batch.y', batch.y, [n]);
  assertSameDType(op, { w: layer.w, a, x: batch.x, y: batch.y });
  const z = preactivations(layer, batch.x);
  const h = zeros([n, m] as const, { dtype: z.dtype });
  for (let k = 0; k < h.data.length; k++) h.data[k] = z.data[k] > 0 ? z.data[k] : 0;
  const f = matvec(h, a);
  const { loss: value, g } = lossDerivatives(loss, batch.y, f);
  return { n, m, d, z, h, f, g, loss: value };
}

// acc += scale * ((Z > 0) ⊙ (g a^T))^T 1, the bias gradient times n.
function addBiasGrad<D extends DType>(
  c: ForwardCache<D>,
  a: Vector<D>,
  acc: Vector<D>,
  scale: number,
): void {
  const sums = new Float64Array(c.m);
  for (let i = 0; i < c.n; i++) {
    const gi = c.g.data[i];
    const o = i * c.m;
    for (let j = 0; j < c.m; j++) if (c.z.data[o + j] > 0) sums[j] += gi;
  }
  for (let j = 0; j < c.m; j++)
    acc.data[acc.offset + j * acc.stride[0]] +=
      scale * sums[j] * a.data[a.offset + j * a.stride[0]];
}

/**
 * The mean loss of task head `a` on a batch and its analytic gradients (SPEC 3):
 * d/da = H^T g / n, d/dW = (((X W^T + b) > 0) ⊙ (g a^T))^T X / n, d/db likewise with X = 1.
 * The ReLU derivative at 0 is taken as 0.
 *
 * @param layer - `{ w: [m, d], b: [m] }`
 * @param a - head `[m]`
 * @param batch - `{ x: [n, d], y: [n] }`
 * @throws {RangeError} on shape mismatches, {TypeError} on dtype mismatches or an unknown loss
 * @example
 * const { loss, w: gradW } = lossAndGrads(layer, a, { x, y }, 'logistic');
 */
export function lossAndGrads<D extends DType>(
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossName,
  opts: GradsOptions = {},
): LossAndGrads<D> {
  const c = forwardCache('lossAndGrads', layer, a, batch, loss);
  const { n, m, d } = c;
  const inv = n > 0 ? 1 / n : 0;
  const out: {
    loss: number;
    f: Vector<D>;
    g: Vector<D>;
    head?: Vector<D>;
    w?: Matrix<D>;
    b?: Vector<D>;
  } = { loss: c.loss, f: c.f, g: c.g };
  if (opts.head ?? true) {
    const ga = matvec(c.h, c.g, { transA: true });
    for (let j = 0; j < m; j++) ga.data[j] *= inv;
    out.head = ga;
  }
  if (opts.w ?? true) {
    const gw = zeros([m, d] as const, { dtype: c.z.dtype });
    maskedGemmInto(gw, c.z, c.g, a, batch.x, { alpha: inv });
    out.w = gw;
  }
  if (opts.b ?? true) {
    const gb = zeros([m] as const, { dtype: c.z.dtype });
    addBiasGrad(c, a, gb, inv);
    out.b = gb;
  }
  return out;
}

/** Accumulators for {@link addLayerGrads}. */
export interface LayerGradAccumulators<D extends DType = DType> {
  /** `[m, d]`, receives `scale * dL/dW`. */
  readonly w: Matrix<D>;
  /** `[m]`, receives `scale * dL/db` when given. */
  readonly b?: Vector<D>;
}

/**
 * Adds `scale` times the first-layer gradients of one task into accumulators, in place, and
 * returns the mean loss: the fast path of a pretraining round, with no gradient temporaries.
 *
 * @param acc - `{ w: [m, d], b?: [m] }`, updated in place
 * @returns the mean loss on the batch
 */
export function addLayerGrads<D extends DType>(
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossName,
  acc: LayerGradAccumulators<D>,
  scale = 1,
): number {
  const c = forwardCache('addLayerGrads', layer, a, batch, loss);
  assertShape('addLayerGrads', 'acc.w', acc.w, [c.m, c.d]);
  const inv = c.n > 0 ? scale / c.n : 0;
  maskedGemmInto(acc.w, c.z, c.g, a, batch.x, { alpha: inv, beta: 1 });
  if (acc.b !== undefined) {
    assertShape('addLayerGrads', 'acc.b', acc.b, [c.m]);
    addBiasGrad(c, a, acc.b, inv);
  }
  return c.loss;
}
