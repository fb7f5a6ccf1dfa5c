import { checkFinite, checkStep } from './_validate.js';
import type { Schedule } from './types.js';

/**
 * The schedule that is `value` at every step.
 *
 * @param value - a finite number
 * @returns the schedule
 * @throws {RangeError} when `value` is NaN or infinite, or (when called) `step` is negative
 * @example
 * constantSchedule(0.1)(1000); // returns 0.1
 */
export function constantSchedule(value: number): Schedule {
  const op = 'constantSchedule';
  checkFinite(op, 'value', value);
  return (step) => {
    checkStep(op, step);
    return value;
  };
}
