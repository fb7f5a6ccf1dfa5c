import { checkCount, checkFinite, checkPositiveInteger, checkStep } from './_validate.js';
import type { Schedule } from './types.js';

/**
 * Linear interpolation from `init` to `end` over `transitionSteps` steps starting at
 * `transitionBegin`; `init` before, `end` after:
 *
 *     init + (end - init) * clamp((step - transitionBegin) / transitionSteps, 0, 1)
 *
 * @param init - the value up to `transitionBegin`, finite
 * @param end - the value from `transitionBegin + transitionSteps` on, finite
 * @param transitionSteps - the length of the ramp, a positive integer
 * @param transitionBegin - the step where the ramp starts, a non-negative integer (default 0)
 * @returns the schedule
 * @throws {RangeError} when an argument is out of range, or (when called) `step` is negative
 * @example
 * const s = linearSchedule(1, 0, 10);
 * [s(0), s(5), s(10), s(20)]; // returns [1, 0.5, 0, 0]
 */
export function linearSchedule(
  init: number,
  end: number,
  transitionSteps: number,
  transitionBegin = 0,
): Schedule {
  const op = 'linearSchedule';
  checkFinite(op, 'init', init);
  checkFinite(op, 'end', end);
  checkPositiveInteger(op, 'transitionSteps', transitionSteps);
  checkCount(op, 'transitionBegin', transitionBegin);
  return (step) => {
    const t = (checkStep(op, step) - transitionBegin) / transitionSteps;
    return init + (end - init) * Math.min(1, Math.max(0, t));
  };
}
