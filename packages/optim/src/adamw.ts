import { checkLearningRate } from './_learningRate.js';
import { checkDecay, checkNonNegative, checkOptions } from './_validate.js';
import type { AdamOptions } from './adam.js';
import { type AddDecayedWeightsState, addDecayedWeights } from './addDecayedWeights.js';
import { chain } from './chain.js';
import { type ScaleByAdamState, scaleByAdam } from './scaleByAdam.js';
import { type ScaleByLearningRateState, scaleByLearningRate } from './scaleByLearningRate.js';
import type { Schedule, Transform } from './types.js';

/** Options of {@link adamw}. */
export interface AdamwOptions extends AdamOptions {
  /** Decoupled weight decay coefficient, `>= 0` (default 1e-4, as in optax). */
  weightDecay?: number;
}

/** State of {@link adamw}: `[ScaleByAdamState, AddDecayedWeightsState, ScaleByLearningRateState]`. */
export type AdamwState = readonly [
  ScaleByAdamState,
  AddDecayedWeightsState,
  ScaleByLearningRateState,
];

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019):
 *
 *     p_{t+1} = p_t - lr(t) * (adam_t + weightDecay * p_t)
 *
 * where `adam_t` is the bias-corrected step of {@link scaleByAdam}. The decay is added *after*
 * Adam's rescaling, so every weight shrinks by the same factor `1 - lr * weightDecay`; an L2
 * penalty in the gradient (as in {@link sgd}) would instead be divided by `sqrt(nu)`, decaying
 * weights with large gradients less. It is `chain(scaleByAdam(b1, b2, eps),
 * addDecayedWeights(weightDecay), scaleByLearningRate(lr))`; as in optax and PyTorch the decay is
 * multiplied by the (scheduled) learning rate.
 *
 * @param learningRate - a finite number `>= 0`, or a {@link Schedule}
 * @param options - `b1`, `b2`, `eps`, `weightDecay`
 * @returns the optimizer; its `update` requires `params`
 * @throws {RangeError} when `learningRate` or `weightDecay` is negative or not finite, `b1`/`b2`
 *   are outside `[0, 1)`, or `eps` is negative
 * @example
 * const opt = adamw(0.1, { weightDecay: 0.5 });
 * const p = { w: fromArray([2]) };
 * const [u] = opt.update({ w: fromArray([1]) }, opt.init(p), p);
 * toArray(applyUpdates(p, u).w); // returns ≈ [1.8]: 2 - 0.1 * (1 + 0.5 * 2)
 */
export function adamw(
  learningRate: number | Schedule,
  options?: AdamwOptions,
): Transform<AdamwState> {
  const op = 'adamw';
  checkLearningRate(op, learningRate);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 1e-4 } = checkOptions(op, options);
  checkDecay(op, 'b1', b1);
  checkDecay(op, 'b2', b2);
  checkNonNegative(op, 'eps', eps);
  checkNonNegative(op, 'weightDecay', weightDecay);
  return chain(
    scaleByAdam(b1, b2, eps),
    addDecayedWeights(weightDecay),
    scaleByLearningRate(learningRate),
  );
}
