// Checks specific to this package, built on the shared checks of @mtrl/tensors (one error type
// per mistake: TypeError for a wrong JavaScript type, RangeError for a bad value). Every
// message names the function and the field, so a bad call can be found from the message alone.

import { checkInt, checkNumber, formatValue, rangeError, typeError } from '@mtrl/tensors';

/** Refuses a label-noise rate outside [0, 0.5]. */
export function checkNoise(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') typeError(op, name, 'a flip probability in [0, 0.5]', value);
  if (!(value >= 0 && value <= 0.5)) rangeError(op, name, 'a flip probability in [0, 0.5]', value);
  return value;
}

/** Refuses anything but an array of `length` finite numbers; returns a copy. */
export function checkVector(op: string, name: string, value: unknown, length: number): number[] {
  if (!isArrayLike(value)) typeError(op, name, `an array of ${length} numbers`, value);
  if (value.length !== length) {
    throw new RangeError(
      `${op}: ${name} must be an array of ${length} numbers, got length ${value.length}`,
    );
  }
  return Array.from(value, (v, i) => checkNumber(op, `${name}[${i}]`, v));
}

/**
 * Refuses anything but distinct integers in [0, bound); returns a copy. `length` (when given)
 * is the required count.
 */
export function checkIndices(
  op: string,
  name: string,
  value: unknown,
  bound: number,
  length?: number,
): number[] {
  if (!isArrayLike(value)) typeError(op, name, 'an array of indices', value);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${op}: ${name} must have ${length} entries, got ${value.length}`);
  }
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const v = checkInt(op, `${name}[${i}]`, value[i], { min: 0, max: bound - 1 });
    if (seen.has(v)) throw new RangeError(`${op}: ${name} has the duplicate index ${v}`);
    seen.add(v);
    out.push(v);
  }
  return out;
}

/**
 * Refuses anything that is not an object with a string `kind` (TypeError) or whose kind is
 * not among `kinds` (RangeError).
 */
export function checkKind<K extends string>(
  op: string,
  name: string,
  value: unknown,
  kinds: readonly K[],
): K {
  const expected = `one of ${kinds.map((k) => `'${k}'`).join(', ')}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    typeError(op, name, `an object { kind: ${expected}, ... }`, value);
  }
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string') typeError(op, `${name}.kind`, expected, kind);
  if (!(kinds as readonly string[]).includes(kind)) rangeError(op, `${name}.kind`, expected, kind);
  return kind as K;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** A short description of a value for error messages. */
export const show = formatValue;
