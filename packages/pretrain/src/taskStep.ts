import {
  addLayerGrads,
  type Batch,
  fitHead,
  headLossAndGrad,
  hidden,
  type Layer,
  type LayerGradWorkspace,
  type LossName,
} from '@mtrl/network';
import { axpyInto, copy, type DType, type Matrix, type Vector } from '@mtrl/tensors';
import type { HeadUpdate } from './config.js';

/** What one task contributes to a round, besides its gradient. */
export interface TaskStepResult<D extends DType = DType> {
  /** The adapted head a_t: [m]. */
  readonly head: Vector<D>;
  /** Mean loss on S1 before the head update (NaN for fixed heads, which see no S1). */
  readonly headLoss: number;
  /** Mean loss on S2 with the adapted head. */
  readonly layerLoss: number;
  /** For head mode 'fit': whether the head solve converged. */
  readonly headConverged?: boolean;
  /** Mean of the task's raw labels over S1 and S2 (before any centring): its label balance. */
  readonly labelMean: number;
}

/** Settings of {@link taskStep}. */
export interface TaskStepOptions {
  readonly loss: LossName;
  readonly alpha: number;
  readonly head: HeadUpdate;
  /** The weight of this task's gradient in the round's sum (1 / T for the average). */
  readonly weight: number;
  /** Centre the labels of S1 and of S2 separately (y - mean(y)); default false. */
  readonly centerLabels?: boolean;
}

/**
 * The mean of a batch's labels; with `center`, subtracts it from them in place. A batch of
 * non-finite samples is refused here, before it can turn the layer into NaN silently.
 * @internal
 */
export function prepareLabels(op: string, batch: Batch, center: boolean): number {
  const y = batch.y;
  const [n] = y.shape;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y.data[y.offset + i * y.stride[0]];
  if (!Number.isFinite(sum))
    throw new RangeError(`${op}: the labels y contain NaN or infinite values`);
  const mean = n > 0 ? sum / n : 0;
  if (center) for (let i = 0; i < n; i++) y.data[y.offset + i * y.stride[0]] -= mean;
  const x = batch.x;
  const [rows, cols] = x.shape;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = x.data[x.offset + i * x.stride[0] + j * x.stride[1]];
      if (!Number.isFinite(v))
        throw new RangeError(
          `${op}: the inputs x contain a non-finite value: x[${i}, ${j}] = ${v}`,
        );
    }
  return mean;
}

/** A batch with its own copy of the labels (so centring leaves the caller's batch alone). */
function ownLabels<D extends DType>(b: Batch<D>): Batch<D> {
  return { x: b.x, y: copy(b.y) };
}

/**
 * One task's part of a pretraining round (docs: Specification, 'Pretraining'): adapt the head on S1, then write the task's
 * weighted first-layer gradient on the fresh samples S2 into `out`, computed from zero. A round's
 * gradient is the sum of these per-task buffers in task order 0..T-1, on one thread or many, so
 * the result never depends on the number of threads.
 *
 * @param layer - the shared layer `{ w: [m, d], b: [m] }` (not modified)
 * @param head - the task's current head `[m]` (not modified)
 * @param s1 - head samples `{ x: [n1, d], y: [n1] }` (unused for fixed heads)
 * @param s2 - layer samples `{ x: [n2, d], y: [n2] }`
 * @param out - `{ w: [m, d], b?: [m] }`: overwritten with weight * dL/dW (and weight * dL/db)
 * @throws {RangeError} when s1 is missing for a head that adapts, or on shape mismatches
 */
export function taskStep<D extends DType>(
  layer: Layer<D>,
  head: Vector<D>,
  s1: Batch<D> | undefined,
  s2: Batch<D>,
  opts: TaskStepOptions,
  out: { w: Matrix<D>; b?: Vector<D> },
): TaskStepResult<D> {
  const center = opts.centerLabels === true;
  const b1 = s1 !== undefined && center ? ownLabels(s1) : s1;
  const b2 = center ? ownLabels(s2) : s2;
  const m1 = b1 === undefined ? 0 : prepareLabels('taskStep: s1', b1, center);
  const m2 = prepareLabels('taskStep: s2', b2, center);
  const adapted = adaptHead(layer, head, b1, opts);
  const n1 = b1?.y.shape[0] ?? 0;
  const n2 = b2.y.shape[0];
  return layerStep(layer, adapted, b2, opts, out, undefined, (n1 * m1 + n2 * m2) / (n1 + n2));
}

/** The head part of {@link taskStep}: the adapted head (`head` itself when fixed). @internal */
export interface AdaptedHead<D extends DType> {
  readonly head: Vector<D>;
  readonly headLoss: number;
  readonly headConverged?: boolean;
}

/**
 * Adapts the head on S1 as {@link taskStep} does; `h1` (`[n1, m]`), when given, receives the
 * features of S1 instead of a fresh buffer. S1 is not needed afterwards. @internal
 */
export function adaptHead<D extends DType>(
  layer: Layer<D>,
  head: Vector<D>,
  s1: Batch<D> | undefined,
  opts: TaskStepOptions,
  h1Buffer?: Matrix<D>,
): AdaptedHead<D> {
  if (opts.head.mode === 'fixed') return { head, headLoss: Number.NaN };
  if (s1 === undefined) throw new RangeError('taskStep: s1 is required unless the head is fixed');
  // Features of S1 are computed once: only the head moves during the head update.
  const h1 = hidden(layer, s1.x, h1Buffer);
  if (opts.head.mode === 'step') {
    const a = copy(head);
    let headLoss = Number.NaN;
    const steps = opts.head.steps ?? 1;
    for (let s = 0; s < steps; s++) {
      const { loss, grad } = headLossAndGrad(h1, a, s1.y, opts.loss);
      if (s === 0) headLoss = loss;
      axpyInto(a, -opts.alpha, grad);
    }
    return { head: a, headLoss };
  }
  const headLoss = headLossAndGrad(h1, head, s1.y, opts.loss).loss;
  const fit = fitHead(h1, s1.y, opts.loss, {
    init: head,
    l2: opts.head.l2,
    tol: opts.head.tol,
    maxIter: opts.head.maxIter,
  });
  return { head: fit.head, headLoss, headConverged: fit.converged };
}

/**
 * The layer part of {@link taskStep}: writes weight * dL/dW (and dL/db) on S2 with the adapted
 * head into `out`, from zero; `workspace` reuses the forward buffers. @internal
 */
export function layerStep<D extends DType>(
  layer: Layer<D>,
  adapted: AdaptedHead<D>,
  s2: Batch<D>,
  opts: TaskStepOptions,
  out: { w: Matrix<D>; b?: Vector<D> },
  workspace: LayerGradWorkspace<D> | undefined,
  labelMean: number,
): TaskStepResult<D> {
  const { head: a, headLoss, headConverged } = adapted;
  fillZero(out.w);
  if (out.b !== undefined) fillZero(out.b);
  const layerLoss = addLayerGrads(layer, a, s2, opts.loss, out, opts.weight, workspace);
  return headConverged === undefined
    ? { head: a, headLoss, layerLoss, labelMean }
    : { head: a, headLoss, layerLoss, headConverged, labelMean };
}

function fillZero(t: Matrix | Vector): void {
  if (t.shape.length === 1) {
    const [n] = t.shape;
    for (let i = 0; i < n; i++) t.data[t.offset + i * t.stride[0]] = 0;
    return;
  }
  const [rows, cols] = t.shape as readonly [number, number];
  const [s0, s1] = t.stride as readonly [number, number];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t.data[t.offset + i * s0 + j * s1] = 0;
}
