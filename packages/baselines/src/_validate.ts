// Argument checks; every message names the function and the argument.

/** Refuses anything but a finite number >= min (> min when `strict`). */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  min: number,
  strict = false,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (strict && value === min)
  ) {
    throw new RangeError(
      `${op}: ${name} must be a finite number ${strict ? '>' : '>='} ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/** Refuses anything but an integer >= min. */
export function checkInt(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Refuses anything but an integer index in [0, length). */
export function checkIndex(op: string, name: string, value: unknown, length: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length) {
    throw new RangeError(
      `${op}: ${name} must be an integer in [0, ${length - 1}], got ${String(value)}`,
    );
  }
  return value;
}
