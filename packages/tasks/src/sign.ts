/**
 * The label sign: +1 for `x >= 0` (so `sign(0) = +1`, and `sign(-0) = +1`), -1 otherwise.
 * Every label in this package is made with it, so labels are exactly -1 or +1.
 *
 * @param x - a number
 * @returns -1 or +1
 * @throws {RangeError} when `x` is NaN, which has no sign
 * @example
 * sign(0);    // returns 1
 * sign(-0.5); // returns -1
 */
export function sign(x: number): -1 | 1 {
  if (x >= 0) return 1;
  if (x < 0) return -1;
  throw new RangeError(`sign: x must be a number, got ${String(x)}`);
}
