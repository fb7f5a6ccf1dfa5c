import { checkCount, checkFinite, checkStep } from './_validate.js';
import type { Schedule } from './types.js';
import { warmupSchedule } from './warmupSchedule.js';

/**
 * Linear warmup from `init` to `peak` over `warmupSteps`, then cosine decay from `peak` to `end`
 * until step `decaySteps`, then constant `end` (optax's `warmup_cosine_decay_schedule`).
 * `decaySteps` is the total length, warmup included:
 *
 *     step < warmupSteps:  init + (peak - init) * step / warmupSteps
 *     otherwise:           end + (peak - end) * (1 + cos(pi * min(s, T) / T)) / 2
 *                          with s = step - warmupSteps, T = decaySteps - warmupSteps
 *
 * (`end` right after the warmup when `T = 0`.)
 *
 * @param init - the value at step 0, finite
 * @param peak - the value at the end of the warmup, finite
 * @param warmupSteps - the warmup length, a non-negative integer
 * @param decaySteps - the total length, an integer `>= warmupSteps`
 * @param end - the final value, finite (default 0)
 * @returns the schedule
 * @throws {RangeError} when an argument is out of range or `decaySteps < warmupSteps`, or
 *   (when called) `step` is negative
 * @example
 * const s = warmupCosineDecaySchedule(0, 1, 10, 110, 0.1);
 * [s(0), s(5), s(10), s(60), s(110), s(500)]; // returns [0, 0.5, 1, 0.55, 0.1, 0.1]
 */
export function warmupCosineDecaySchedule(
  init: number,
  peak: number,
  warmupSteps: number,
  decaySteps: number,
  end = 0,
): Schedule {
  const op = 'warmupCosineDecaySchedule';
  checkFinite(op, 'init', init);
  checkFinite(op, 'peak', peak);
  checkCount(op, 'warmupSteps', warmupSteps);
  checkCount(op, 'decaySteps', decaySteps);
  checkFinite(op, 'end', end);
  if (decaySteps < warmupSteps) {
    throw new RangeError(
      `${op}: decaySteps (the total length, warmup included) must be >= warmupSteps, got decaySteps ${decaySteps} and warmupSteps ${warmupSteps}`,
    );
  }
  const total = decaySteps - warmupSteps;
  const cosine: Schedule = (s) => {
    if (total === 0) return end;
    const t = Math.min(s, total) / total;
    return end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
  const inner = warmupSchedule(init, peak, warmupSteps, cosine);
  // Check the step here so a bad one is reported under this schedule's name.
  return (step) => inner(checkStep(op, step));
}
