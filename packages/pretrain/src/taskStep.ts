import {
  addLayerGrads,
  type Batch,
  fitHead,
  headLossAndGrad,
  hidden,
  type Layer,
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
}

/** Settings of {@link taskStep}. */
export interface TaskStepOptions {
  readonly loss: LossName;
  readonly alpha: number;
  readonly head: HeadUpdate;
  /** The weight of this task's gradient in the round's sum (1 / T for the average). */
  readonly weight: number;
}

/**
 * One task's part of a pretraining round (SPEC 4): adapt the head on S1, then add the task's
 * weighted first-layer gradient on the fresh samples S2 into the accumulators. Pure apart from
 * the accumulators, so a round is the ordered sum of independent task steps.
 *
 * @param layer - the shared layer `{ w: [m, d], b: [m] }` (not modified)
 * @param head - the task's current head `[m]` (not modified)
 * @param s1 - head samples `{ x: [n1, d], y: [n1] }` (unused for fixed heads)
 * @param s2 - layer samples `{ x: [n2, d], y: [n2] }`
 * @param acc - `{ w: [m, d], b?: [m] }`: receives weight * dL/dW (and dL/db)
 */
export function taskStep<D extends DType>(
  layer: Layer<D>,
  head: Vector<D>,
  s1: Batch<D> | undefined,
  s2: Batch<D>,
  opts: TaskStepOptions,
  acc: { w: Matrix<D>; b?: Vector<D> },
): TaskStepResult<D> {
  let a = head;
  let headLoss = Number.NaN;
  let headConverged: boolean | undefined;
  if (opts.head.mode !== 'fixed') {
    if (s1 === undefined) throw new RangeError('taskStep: s1 is required unless the head is fixed');
    // Features of S1 are computed once: only the head moves during the head update.
    const h1 = hidden(layer, s1.x);
    if (opts.head.mode === 'step') {
      a = copy(head);
      const steps = opts.head.steps ?? 1;
      for (let s = 0; s < steps; s++) {
        const { loss, grad } = headLossAndGrad(h1, a, s1.y, opts.loss);
        if (s === 0) headLoss = loss;
        axpyInto(a, -opts.alpha, grad);
      }
    } else {
      headLoss = headLossAndGrad(h1, a, s1.y, opts.loss).loss;
      const fit = fitHead(h1, s1.y, opts.loss, {
        init: head,
        l2: opts.head.l2,
        tol: opts.head.tol,
        maxIter: opts.head.maxIter,
      });
      a = fit.head;
      headConverged = fit.converged;
    }
  }
  const layerLoss = addLayerGrads(layer, a, s2, opts.loss, acc, opts.weight);
  return headConverged === undefined
    ? { head: a, headLoss, layerLoss }
    : { head: a, headLoss, layerLoss, headConverged };
}
