import type { Batch, Layer } from '@mtrl/network';
import { copy, type DType, type Matrix, type Vector } from '@mtrl/tensors';
import type { LossLike } from './algorithm.js';
import type { HeadUpdate } from './config.js';
import { headStep, layerGradient } from './pieces.js';

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
  /** The head's gradient on S2, when the layer-gradient step gives it: [m]. */
  readonly headGradient?: Vector<D>;
}

/** Settings of {@link taskStep}. */
export interface TaskStepOptions {
  readonly loss: LossLike;
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
  const hs = headStep(opts.head);
  let adapted: { head: Vector<D>; headLoss: number; headConverged?: boolean } = {
    head,
    headLoss: Number.NaN,
  };
  if (hs.samples) {
    if (b1 === undefined) throw new RangeError('taskStep: s1 is required unless the head is fixed');
    adapted = hs.adapt({ layer, head, s1: b1, loss: opts.loss, alpha: opts.alpha });
  }
  const g = layerGradient('layer').compute({
    layer,
    head: adapted.head,
    s2: b2,
    loss: opts.loss,
    weight: opts.weight,
    headWeight: 1,
    out,
  });
  const n1 = b1?.y.shape[0] ?? 0;
  const n2 = b2.y.shape[0];
  return {
    head: adapted.head,
    headLoss: adapted.headLoss,
    layerLoss: g.loss,
    labelMean: (n1 * m1 + n2 * m2) / (n1 + n2),
    ...(adapted.headConverged === undefined ? {} : { headConverged: adapted.headConverged }),
  };
}
