import { checkCount, checkFinite, checkStep } from './_validate.js';
import type { Schedule } from './types.js';

/**
 * A linear warmup from `init` to `peak` over `warmupSteps` steps, followed by `after` (shifted so
 * that it starts at its own step 0) or, without `after`, by the constant `peak`:
 *
 *     step < warmupSteps:  init + (peak - init) * step / warmupSteps
 *     otherwise:           after(step - warmupSteps)   (or peak)
 *
 * (Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", 2017.)
 *
 * @param init - the value at step 0, finite
 * @param peak - the value reached at the end of the warmup, finite
 * @param warmupSteps - the warmup length, a non-negative integer (0: no warmup)
 * @param after - the schedule to follow the warmup (default: constant `peak`)
 * @returns the schedule
 * @throws {RangeError} when an argument is out of range, or (when called) `step` is negative
 * @throws {TypeError} when `after` is given but is not a function
 * @example
 * const s = warmupSchedule(0, 1, 4);
 * [s(0), s(1), s(4), s(100)]; // returns [0, 0.25, 1, 1]
 * warmupSchedule(0, 1, 4, cosineDecaySchedule(1, 10))(9); // returns 0.5
 */
export function warmupSchedule(
  init: number,
  peak: number,
  warmupSteps: number,
  after?: Schedule,
): Schedule {
  const op = 'warmupSchedule';
  checkFinite(op, 'init', init);
  checkFinite(op, 'peak', peak);
  checkCount(op, 'warmupSteps', warmupSteps);
  if (after !== undefined && typeof after !== 'function') {
    throw new TypeError(`${op}: after must be a schedule function, got ${typeof after}`);
  }
  return (step) => {
    checkStep(op, step);
    if (step < warmupSteps) return init + ((peak - init) * step) / warmupSteps;
    return after === undefined ? peak : after(step - warmupSteps);
  };
}
