// The optimizer-specific checks, built on the shared validation of @mtrl/tensors so that one
// mistake gives one error type in every package: a value of the wrong JavaScript type is a
// TypeError, a number out of range a RangeError, and every message reads
// `${op}: ${name} must be <expected>, got <value>`.
import { checkInt, checkNumber, checkSize } from '@mtrl/tensors';

export { checkBoolean, checkFinite, checkOptions } from '@mtrl/tensors';

/** A finite number `>= 0`. */
export function checkNonNegative(op: string, name: string, value: unknown): number {
  return checkNumber(op, name, value, { min: 0 });
}

/** A finite number `> 0`. */
export function checkPositive(op: string, name: string, value: unknown): number {
  return checkNumber(op, name, value, { minExclusive: 0 });
}

/** A number in `[0, 1)`, as for decay rates. */
export function checkDecay(op: string, name: string, value: unknown): number {
  return checkNumber(op, name, value, { min: 0, max: 1, maxExclusive: true });
}

/** A number in `[0, 1]`. */
export function checkFraction(op: string, name: string, value: unknown): number {
  return checkNumber(op, name, value, { min: 0, max: 1 });
}

/** A non-negative integer (a step count). */
export function checkCount(op: string, name: string, value: unknown): number {
  return checkSize(op, name, value);
}

/** A positive integer. */
export function checkPositiveInteger(op: string, name: string, value: unknown): number {
  return checkInt(op, name, value, { min: 1 });
}

/** A step at which a schedule is evaluated: a finite number `>= 0`. */
export function checkStep(op: string, step: unknown): number {
  return checkNonNegative(op, 'step', step);
}
