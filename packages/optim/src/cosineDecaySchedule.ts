import { checkFinite, checkFraction, checkPositiveInteger, checkStep } from './_validate.js';
import type { Schedule } from './types.js';

/**
 * Cosine decay from `init` to `alpha * init` over `decaySteps` steps, then constant
 * (Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017,
 * without restarts):
 *
 *     init * ((1 - alpha) * (1 + cos(pi * min(step, decaySteps) / decaySteps)) / 2 + alpha)
 *
 * @param init - the value at step 0, finite
 * @param decaySteps - the length of the decay, a positive integer
 * @param alpha - the final value as a fraction of `init`, in `[0, 1]` (default 0)
 * @returns the schedule
 * @throws {RangeError} when an argument is out of range, or (when called) `step` is negative
 * @example
 * const s = cosineDecaySchedule(1, 100);
 * [s(0), s(50), s(100), s(200)]; // returns [1, 0.5, 0, 0]
 */
export function cosineDecaySchedule(init: number, decaySteps: number, alpha = 0): Schedule {
  const op = 'cosineDecaySchedule';
  checkFinite(op, 'init', init);
  checkPositiveInteger(op, 'decaySteps', decaySteps);
  checkFraction(op, 'alpha', alpha);
  return (step) => {
    const t = Math.min(checkStep(op, step), decaySteps) / decaySteps;
    return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  };
}
