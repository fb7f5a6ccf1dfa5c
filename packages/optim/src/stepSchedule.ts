import {
  checkCount,
  checkFinite,
  checkNonNegative,
  checkPositiveInteger,
  checkStep,
} from './_validate.js';
import type { Schedule } from './types.js';

/** Piecewise-constant decay at given steps: from `boundaries[i]` on, multiply by `factors[i]`. */
export interface StepBoundariesOptions {
  /** Strictly increasing non-negative integer steps. */
  boundaries: readonly number[];
  /** One finite factor `>= 0` per boundary. */
  factors: readonly number[];
}

/** Regular decay: multiply by `gamma` every `every` steps (PyTorch's `StepLR`). */
export interface StepEveryOptions {
  /** The period, a positive integer. */
  every: number;
  /** The factor per period, finite and `>= 0`. */
  gamma: number;
}

/** Options of {@link stepSchedule}: either boundaries with factors, or a period with a factor. */
export type StepScheduleOptions = StepBoundariesOptions | StepEveryOptions;

/**
 * A piecewise-constant schedule, in one of two forms:
 *
 *     { boundaries, factors }:  init * prod { factors[i] : step >= boundaries[i] }
 *     { every, gamma }:         init * gamma ^ floor(step / every)
 *
 * The first is optax's `piecewise_constant_schedule`, the second PyTorch's `StepLR`.
 *
 * @param init - the value before the first boundary, finite
 * @param options - `{ boundaries, factors }` or `{ every, gamma }`
 * @returns the schedule
 * @throws {TypeError} when `options` has neither or both forms
 * @throws {RangeError} when boundaries are not strictly increasing non-negative integers, the
 *   lengths differ, a factor or `gamma` is negative or not finite, or `every` is not a positive
 *   integer; (when called) when `step` is negative
 * @example
 * const s = stepSchedule(1, { boundaries: [10, 20], factors: [0.5, 0.1] });
 * [s(0), s(10), s(25)]; // returns [1, 0.5, 0.05]
 * stepSchedule(1, { every: 10, gamma: 0.5 })(25); // returns 0.25
 */
export function stepSchedule(init: number, options: StepScheduleOptions): Schedule {
  const op = 'stepSchedule';
  checkFinite(op, 'init', init);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${op}: options must be { boundaries, factors } or { every, gamma }`);
  }
  const hasBoundaries = 'boundaries' in options || 'factors' in options;
  const hasEvery = 'every' in options || 'gamma' in options;
  if (hasBoundaries === hasEvery) {
    throw new RangeError(
      `${op}: options must have either { boundaries, factors } or { every, gamma }, got keys ${JSON.stringify(Object.keys(options))}`,
    );
  }
  if (hasEvery) {
    const { every, gamma } = options as StepEveryOptions;
    checkPositiveInteger(op, 'every', every);
    checkNonNegative(op, 'gamma', gamma);
    return (step) => init * gamma ** Math.floor(checkStep(op, step) / every);
  }
  const { boundaries, factors } = options as StepBoundariesOptions;
  if (!Array.isArray(boundaries) || !Array.isArray(factors)) {
    throw new TypeError(`${op}: boundaries and factors must be arrays of numbers`);
  }
  if (boundaries.length !== factors.length) {
    throw new RangeError(
      `${op}: boundaries and factors must have the same length, got ${boundaries.length} and ${factors.length}`,
    );
  }
  boundaries.forEach((b, i) => {
    checkCount(op, `boundaries[${i}]`, b);
    if (i > 0 && b <= boundaries[i - 1]) {
      throw new RangeError(
        `${op}: boundaries must be strictly increasing, got ${boundaries[i - 1]} then ${b}`,
      );
    }
  });
  for (let i = 0; i < factors.length; i++) checkNonNegative(op, `factors[${i}]`, factors[i]);
  const bs = [...boundaries];
  const fs = [...factors];
  return (step) => {
    checkStep(op, step);
    let value = init;
    for (let i = 0; i < bs.length && step >= bs[i]; i++) value *= fs[i];
    return value;
  };
}
