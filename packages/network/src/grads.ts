import {
  assertSameDType,
  assertShape,
  checkSize,
  type DType,
  gemmInto,
  isContiguous,
  type Matrix,
  maskedGemmInto,
  matvec,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { type Activation, type ActivationPlan, planActivation } from './activation.js';
import { hidden, preactivations } from './forward.js';
import { assertLayer, type Layer } from './layer.js';
import { type LossSpec, resolveLoss } from './losses.js';

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
  /** Mean loss `(1/n) sum_i l(y_i, f_i)`. */
  readonly loss: number;
  /** Outputs f: [n]. */
  readonly f: Vector<D>;
  /** Per-sample loss derivatives `g_i = l'(y_i, f_i)`: [n]. */
  readonly g: Vector<D>;
  /** `dL/da = H^T g / n`: [m] (when requested). */
  readonly head?: Vector<D>;
  /** `dL/dW = (phi'(Z) ⊙ (g a^T))^T X / n`: [m, d] (when requested). */
  readonly w?: Matrix<D>;
  /** `dL/db = (phi'(Z) ⊙ (g a^T))^T 1 / n`: [m] (when requested). */
  readonly b?: Vector<D>;
}

/**
 * Per-sample loss derivatives `g_i = l'(y_i, f_i)` and the mean loss.
 *
 * @param y - labels `[n]`
 * @param f - outputs `[n]`
 */
export function lossDerivatives<D extends DType>(
  loss: LossSpec,
  y: Vector<D>,
  f: Vector<D>,
  out?: Vector<D>,
): { loss: number; g: Vector<D> } {
  const l = resolveLoss(loss, 'lossDerivatives');
  const n = y.shape[0];
  assertShape('lossDerivatives', 'f', f, [n]);
  let g: Vector<D>;
  if (out === undefined) g = zeros([n] as const, { dtype: f.dtype });
  else {
    assertShape('lossDerivatives', 'out', out, [n]);
    assertSameDType('lossDerivatives', { f, out });
    g = out;
  }
  const go = g.offset;
  const gs = g.stride[0];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const yi = y.data[y.offset + i * y.stride[0]];
    const fi = f.data[f.offset + i * f.stride[0]];
    total += l.value(yi, fi);
    g.data[go + i * gs] = l.derivative(yi, fi);
  }
  return { loss: n > 0 ? total / n : 0, g };
}

/**
 * Reusable buffers of the forward pass of {@link addLayerGrads} for batches of `n` samples and
 * `m` hidden units: with one, a task's gradient allocates nothing of size n x m. Make one with
 * {@link layerGradWorkspace} and pass it to every call with that batch size.
 */
export interface LayerGradWorkspace<D extends DType = DType> {
  /**
   * Hidden features `H = phi(X W^T + 1 b^T)`: `[n, m]`, contiguous (for the ReLU family also the
   * mask of the gradient: H > 0 exactly where Z > 0).
   */
  readonly h: Matrix<D>;
  /**
   * For activations other than the ReLU family (GELU): `[n, m]`, contiguous, holding Z and then
   * phi'(Z). Without it such a layer's gradient allocates one n x m temporary per call.
   */
  readonly z?: Matrix<D>;
  /** Outputs f = H a: `[n]`. */
  readonly f: Vector<D>;
  /** Loss derivatives g: `[n]`. */
  readonly g: Vector<D>;
}

/**
 * Buffers for {@link addLayerGrads} with batches of `n` samples and `m` hidden units, for a
 * layer with the given activation (default ReLU; a GELU layer gets the extra `z` buffer).
 *
 * @example
 * const ws = layerGradWorkspace(1024, 256, 'float32');
 * addLayerGrads(layer, a, batch, 'correlation', acc, 1 / T, ws);
 */
export function layerGradWorkspace<D extends DType = 'float64'>(
  n: number,
  m: number,
  dtype?: D,
  activation?: Activation,
): LayerGradWorkspace<D> {
  checkSize('layerGradWorkspace', 'n', n);
  checkSize('layerGradWorkspace', 'm', m);
  const plan = planActivation('layerGradWorkspace', activation);
  const dt = (dtype ?? 'float64') as D;
  const ws = {
    h: zeros([n, m] as const, { dtype: dt }),
    f: zeros([n] as const, { dtype: dt }),
    g: zeros([n] as const, { dtype: dt }),
  };
  return plan.stepBelow === undefined ? { ...ws, z: zeros([n, m] as const, { dtype: dt }) } : ws;
}

interface ForwardCache<D extends DType> {
  n: number;
  m: number;
  d: number;
  /**
   * phi(Z). For the ReLU family its positive entries are exactly where Z > 0, which is all the
   * first-layer gradient needs of Z.
   */
  h: Matrix<D>;
  /** phi'(Z), for activations outside the ReLU family. */
  deriv?: Matrix<D>;
  plan: ActivationPlan;
  f: Vector<D>;
  g: Vector<D>;
  loss: number;
}

// H = phi(Z) and, outside the ReLU family, phi'(Z) into `zBuf` (Z first, then overwritten).
function activate<D extends DType>(
  op: string,
  plan: ActivationPlan,
  layer: Layer<D>,
  x: Matrix<D>,
  hBuf: Matrix<D> | undefined,
  zBuf: Matrix<D> | undefined,
): { h: Matrix<D>; deriv?: Matrix<D> } {
  if (plan.stepBelow !== undefined) return { h: hidden(layer, x, hBuf) };
  const z = preactivations(layer, x, zBuf);
  const [n, m] = z.shape;
  const h = hBuf ?? zeros([n, m] as const, { dtype: z.dtype });
  if (!isContiguous(h)) throw new RangeError(`${op}: workspace.h must be contiguous (row-major)`);
  const { value, derivative } = plan.fn;
  const { data: zd, offset: zo } = z;
  const { data: hd, offset: ho } = h;
  for (let i = 0; i < n * m; i++) {
    const v = zd[zo + i];
    hd[ho + i] = value(v);
    zd[zo + i] = derivative(v);
  }
  return { h, deriv: z };
}

function forwardCache<D extends DType>(
  op: string,
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossSpec,
  ws?: LayerGradWorkspace<D>,
): ForwardCache<D> {
  const [m, d] = assertLayer(op, layer);
  assertShape(op, 'a', a, [m]);
  assertShape(op, 'batch.x', batch?.x, [-1, d]);
  const n = batch.x.shape[0];
  assertShape(op, 'batch.y', batch.y, [n]);
  assertSameDType(op, { w: layer.w, a, x: batch.x, y: batch.y });
  const l = resolveLoss(loss, op);
  const plan = planActivation(op, layer.activation);
  if (ws === undefined) {
    const { h, deriv } = activate(op, plan, layer, batch.x, undefined, undefined);
    const f = matvec(h, a);
    const { loss: value, g } = lossDerivatives(l, batch.y, f);
    return { n, m, d, h, deriv, plan, f, g, loss: value };
  }
  // The same operations as above, into the workspace.
  assertShape(op, 'workspace.h', ws.h, [n, m]);
  assertShape(op, 'workspace.f', ws.f, [n]);
  assertShape(op, 'workspace.g', ws.g, [n]);
  assertSameDType(op, {
    x: batch.x,
    'workspace.h': ws.h,
    'workspace.f': ws.f,
    'workspace.g': ws.g,
  });
  if (!isContiguous(ws.h))
    throw new RangeError(`${op}: workspace.h must be contiguous (row-major)`);
  let zBuf: Matrix<D> | undefined;
  if (plan.stepBelow === undefined && ws.z !== undefined) {
    assertShape(op, 'workspace.z', ws.z, [n, m]);
    assertSameDType(op, { x: batch.x, 'workspace.z': ws.z });
    if (!isContiguous(ws.z))
      throw new RangeError(`${op}: workspace.z must be contiguous (row-major)`);
    zBuf = ws.z;
  }
  const { f } = ws;
  const { h, deriv } = activate(op, plan, layer, batch.x, ws.h, zBuf);
  // matvec(h, a) into f.
  gemmInto(asColumn(f), h, asColumn(a));
  const { loss: value, g } = lossDerivatives(l, batch.y, f, ws.g);
  return { n, m, d, h, deriv, plan, f, g, loss: value };
}

// acc = alpha * (phi'(Z) ⊙ (g a^T))^T X + beta * acc: the fused masked product, with the mask
// of the ReLU family read off H, else the derivative matrix.
function addWeightGrad<D extends DType>(
  c: ForwardCache<D>,
  a: Vector<D>,
  x: Matrix<D>,
  acc: Matrix<D>,
  alpha: number,
  beta: number,
): void {
  const below = c.plan.stepBelow;
  if (below === 0) maskedGemmInto(acc, c.h, c.g, a, x, { alpha, beta });
  else if (below !== undefined) {
    const factor = { kind: 'step', below, above: 1 } as const;
    maskedGemmInto(acc, c.h, c.g, a, x, { alpha, beta, factor });
  } else {
    const deriv = c.deriv as Matrix<D>;
    maskedGemmInto(acc, deriv, c.g, a, x, { alpha, beta, factor: { kind: 'matrix', d: deriv } });
  }
}

// A vector as an [n, 1] matrix view of the same memory.
function asColumn<D extends DType>(v: Vector<D>): Matrix<D> {
  return {
    dtype: v.dtype,
    shape: [v.shape[0], 1],
    stride: [v.stride[0], 1],
    offset: v.offset,
    data: v.data,
  };
}

// acc += scale * (phi'(Z) ⊙ (g a^T))^T 1, the bias gradient times n.
function addBiasGrad<D extends DType>(
  c: ForwardCache<D>,
  a: Vector<D>,
  acc: Vector<D>,
  scale: number,
): void {
  const sums = new Float64Array(c.m);
  const { g, h, deriv } = c;
  const below = c.plan.stepBelow;
  for (let i = 0; i < c.n; i++) {
    const gi = g.data[g.offset + i * g.stride[0]];
    const o = h.offset + i * c.m;
    if (below === 0) {
      for (let j = 0; j < c.m; j++) if (h.data[o + j] > 0) sums[j] += gi;
    } else if (below !== undefined) {
      for (let j = 0; j < c.m; j++) sums[j] += h.data[o + j] > 0 ? gi : below * gi;
    } else {
      const dd = (deriv as Matrix<D>).data;
      const od = (deriv as Matrix<D>).offset + i * c.m;
      for (let j = 0; j < c.m; j++) sums[j] += gi * dd[od + j];
    }
  }
  for (let j = 0; j < c.m; j++)
    acc.data[acc.offset + j * acc.stride[0]] +=
      scale * sums[j] * a.data[a.offset + j * a.stride[0]];
}

/**
 * The mean loss of task head `a` on a batch and its analytic gradients (docs: Specification,
 * 'Network, losses and gradients'), for the layer's activation phi:
 * `d/da = H^T g / n`, `d/dW = (phi'(X W^T + b) ⊙ (g a^T))^T X / n`, d/db likewise with X = 1.
 * The ReLU derivative at 0 is taken as 0. The loss is a name or a {@link Loss} object.
 *
 * @param layer - `{ w: [m, d], b: [m] }`
 * @param a - head `[m]`
 * @param batch - `{ x: [n, d], y: [n] }`
 * @throws {RangeError} on shape or dtype mismatches or an unknown loss name
 * @throws {TypeError} when an argument has the wrong type (e.g. a loss that is neither a name
 *   nor a Loss object)
 * @example
 * const { loss, w: gradW } = lossAndGrads(layer, a, { x, y }, 'logistic');
 */
export function lossAndGrads<D extends DType>(
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossSpec,
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
    const gw = zeros([m, d] as const, { dtype: c.h.dtype });
    addWeightGrad(c, a, batch.x, gw, inv, 0);
    out.w = gw;
  }
  if (opts.b ?? true) {
    const gb = zeros([m] as const, { dtype: c.h.dtype });
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
 * With a `workspace` ({@link layerGradWorkspace}) the forward pass reuses its buffers too, and
 * the call allocates nothing of size n x m; the result is the same bit for bit.
 *
 * @param acc - `{ w: [m, d], b?: [m] }`, updated in place
 * @param workspace - optional buffers for batches of this size
 * @returns the mean loss on the batch
 * @throws {RangeError} on shape mismatches, the workspace's included
 */
export function addLayerGrads<D extends DType>(
  layer: Layer<D>,
  a: Vector<D>,
  batch: Batch<D>,
  loss: LossSpec,
  acc: LayerGradAccumulators<D>,
  scale = 1,
  workspace?: LayerGradWorkspace<D>,
): number {
  const c = forwardCache('addLayerGrads', layer, a, batch, loss, workspace);
  assertShape('addLayerGrads', 'acc.w', acc.w, [c.m, c.d]);
  const inv = c.n > 0 ? scale / c.n : 0;
  addWeightGrad(c, a, batch.x, acc.w, inv, 1);
  if (acc.b !== undefined) {
    assertShape('addLayerGrads', 'acc.b', acc.b, [c.m]);
    addBiasGrad(c, a, acc.b, inv);
  }
  return c.loss;
}
