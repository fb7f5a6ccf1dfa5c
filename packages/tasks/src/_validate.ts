// Argument checks shared by the public functions. Every message names the function and the
// field, so a bad call can be found from the message alone.

/** Refuses anything but an integer in [min, max]. */
export function checkInt(
  op: string,
  name: string,
  value: unknown,
  min: number,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${op}: ${name} must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** Refuses anything but a finite number >= min. */
export function checkNumber(op: string, name: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const what = min === -Infinity ? 'a finite number' : `a finite number >= ${min}`;
    throw new RangeError(`${op}: ${name} must be ${what}, got ${show(value)}`);
  }
  return value;
}

/** Refuses a label-noise rate outside [0, 0.5]. */
export function checkNoise(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 0.5)) {
    throw new RangeError(
      `${op}: ${name} must be a flip probability in [0, 0.5], got ${show(value)}`,
    );
  }
  return value;
}

/** Refuses anything but an array of `length` finite numbers; returns a copy. */
export function checkVector(op: string, name: string, value: unknown, length: number): number[] {
  if (!isArrayLike(value) || value.length !== length) {
    throw new RangeError(
      `${op}: ${name} must be an array of ${length} numbers, got ${isArrayLike(value) ? `length ${value.length}` : show(value)}`,
    );
  }
  const out = Array.from(value as ArrayLike<unknown>, (v, i) =>
    checkNumber(op, `${name}[${i}]`, v),
  );
  return out;
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
  if (!isArrayLike(value))
    throw new TypeError(`${op}: ${name} must be an array of indices, got ${show(value)}`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${op}: ${name} must have ${length} entries, got ${value.length}`);
  }
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const v = (value as ArrayLike<unknown>)[i];
    checkInt(op, `${name}[${i}]`, v, 0, bound - 1);
    if (seen.has(v as number))
      throw new RangeError(`${op}: ${name} has the duplicate index ${String(v)}`);
    seen.add(v as number);
    out.push(v as number);
  }
  return out;
}

/** Refuses anything that is not a plain object with a string `kind` among `kinds`. */
export function checkKind<K extends string>(
  op: string,
  name: string,
  value: unknown,
  kinds: readonly K[],
): K {
  const kind =
    value !== null && typeof value === 'object' ? (value as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) {
    throw new TypeError(
      `${op}: ${name}.kind must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, got ${show(kind)}`,
    );
  }
  return kind as K;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

/** A short description of a value for error messages. */
export function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return String(v);
  return typeof v;
}
