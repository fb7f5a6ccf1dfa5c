// Argument checks shared by the transforms and schedules. Every message names the function and
// the argument and says what was expected, so a bad call can be found from the message alone.

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}

function numberOrThrow(op: string, name: string, value: unknown, expected: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${op}: ${name} must be ${expected}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number. */
export function checkFinite(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a finite number');
  if (!Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
  }
  return v;
}

/** A finite number `>= 0`. */
export function checkNonNegative(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a finite number >= 0');
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new RangeError(`${op}: ${name} must be a finite number >= 0, got ${describe(v)}`);
  }
  return v;
}

/** A finite number `> 0`. */
export function checkPositive(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a finite number > 0');
  if (!(Number.isFinite(v) && v > 0)) {
    throw new RangeError(`${op}: ${name} must be a finite number > 0, got ${describe(v)}`);
  }
  return v;
}

/** A number in `[0, 1)`, as for decay rates. */
export function checkDecay(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a number in [0, 1)');
  if (!(v >= 0 && v < 1)) {
    throw new RangeError(`${op}: ${name} must be in [0, 1), got ${describe(v)}`);
  }
  return v;
}

/** A number in `[0, 1]`. */
export function checkFraction(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a number in [0, 1]');
  if (!(v >= 0 && v <= 1)) {
    throw new RangeError(`${op}: ${name} must be in [0, 1], got ${describe(v)}`);
  }
  return v;
}

/** A non-negative integer (a step count). */
export function checkCount(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a non-negative integer');
  if (!(Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${describe(v)}`);
  }
  return v;
}

/** A positive integer. */
export function checkPositiveInteger(op: string, name: string, value: unknown): number {
  const v = numberOrThrow(op, name, value, 'a positive integer');
  if (!(Number.isInteger(v) && v > 0)) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

/** A boolean. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${typeof value}`);
  }
  return value;
}

/** An options object (or `undefined`, read as `{}`). */
export function checkOptions<T extends object>(op: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${op}: options must be an object, got ${describe(value)}`);
  }
  return value;
}

/** A step at which a schedule is evaluated: a finite number `>= 0`. */
export function checkStep(op: string, step: unknown): number {
  return checkNonNegative(op, 'step', step);
}
