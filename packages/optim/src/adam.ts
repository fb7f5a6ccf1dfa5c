import { checkLearningRate } from './_learningRate.js';
import { checkDecay, checkNonNegative, checkOptions } from './_validate.js';
import { chain } from './chain.js';
import { type ScaleByAdamState, scaleByAdam } from './scaleByAdam.js';
import { type ScaleByLearningRateState, scaleByLearningRate } from './scaleByLearningRate.js';
import type { Schedule, Transform } from './types.js';

/** Options of {@link adam} (and {@link adamw}). */
export interface AdamOptions {
  /** Decay of the first moment, in `[0, 1)` (default 0.9). */
  b1?: number;
  /** Decay of the second moment, in `[0, 1)` (default 0.999). */
  b2?: number;
  /** Added to the denominator, `>= 0` (default 1e-8). */
  eps?: number;
}

/** State of {@link adam}: `[ScaleByAdamState, ScaleByLearningRateState]`. */
export type AdamState = readonly [ScaleByAdamState, ScaleByLearningRateState];

/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015):
 *
 *     mu_t = b1 * mu_{t-1} + (1 - b1) * g_t
 *     nu_t = b2 * nu_{t-1} + (1 - b2) * g_t^2
 *     p_{t+1} = p_t - lr(t) * (mu_t / (1 - b1^t)) / (sqrt(nu_t / (1 - b2^t)) + eps)
 *
 * It is `chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(lr))`.
 *
 * @param learningRate - a finite number `>= 0`, or a {@link Schedule}
 * @param options - `b1`, `b2`, `eps`
 * @returns the optimizer
 * @throws {RangeError} when `learningRate` is negative or not finite, `b1`/`b2` are outside
 *   `[0, 1)`, or `eps` is negative
 * @example
 * const opt = adam(0.1);
 * const p = { w: fromArray([1, 1]) };
 * const [u] = opt.update({ w: fromArray([3, -0.01]) }, opt.init(p), p);
 * toArray(applyUpdates(p, u).w); // returns ≈ [0.9, 1.1]
 */
export function adam(learningRate: number | Schedule, options?: AdamOptions): Transform<AdamState> {
  const op = 'adam';
  checkLearningRate(op, learningRate);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = checkOptions(op, options);
  checkDecay(op, 'b1', b1);
  checkDecay(op, 'b2', b2);
  checkNonNegative(op, 'eps', eps);
  return chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(learningRate));
}
