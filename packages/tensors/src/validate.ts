// Argument checks shared by every mtrl package, so that one mistake gives one error type
// wherever it is made:
//
// - wrong JavaScript type (not a number, string, boolean, object, function, tensor or key)
//   -> `TypeError`;
// - right type, bad value (non-finite, not an integer, out of range, not one of the choices,
//   unknown option, wrong shape, mismatched dtypes) -> `RangeError`.
//
// Every message reads `${op}: ${name} must be <expected>, got <value>`, so the bad call can be
// found from the message alone. Every check returns the value, narrowed.

/**
 * A short, JSON-like rendering of a value for error messages: numbers as `String(v)` (so
 * `NaN`, `Infinity`), strings quoted, arrays and plain objects as truncated JSON, functions as
 * `function name`, and `undefined`, `null`, symbols and bigints by name.
 */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${String(value)}n`;
    case 'symbol':
      return String(value);
    case 'function':
      return value.name ? `function ${value.name}` : 'a function';
    default: {
      if (value === null) return 'null';
      if (ArrayBuffer.isView(value)) {
        const name = value.constructor.name;
        const len = (value as unknown as { length?: number }).length;
        return len === undefined ? name : `${name}(${len})`;
      }
      try {
        const json = JSON.stringify(value, (_k, v: unknown) =>
          typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
        );
        if (json === undefined) return Object.prototype.toString.call(value);
        return json.length > 60 ? `${json.slice(0, 60)}...` : json;
      } catch {
        return Object.prototype.toString.call(value);
      }
    }
  }
}

/** Throws the standard `TypeError` for a value of the wrong JavaScript type. */
export function typeError(op: string, name: string, expected: string, value: unknown): never {
  throw new TypeError(`${op}: ${name} must be ${expected}, got ${formatValue(value)}`);
}

/** Throws the standard `RangeError` for a value of the right type but a bad value. */
export function rangeError(op: string, name: string, expected: string, value: unknown): never {
  throw new RangeError(`${op}: ${name} must be ${expected}, got ${formatValue(value)}`);
}

/** Bounds for {@link checkNumber}. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive unless `minExclusive` is `true`). */
  readonly min?: number;
  /** Largest allowed value (inclusive unless `maxExclusive` is `true`). */
  readonly max?: number;
  /**
   * `true` makes `min` exclusive; a number is an exclusive lower bound by itself
   * (`{ minExclusive: 0 }` means `> 0`).
   */
  readonly minExclusive?: boolean | number;
  /** `true` makes `max` exclusive; a number is an exclusive upper bound by itself. */
  readonly maxExclusive?: boolean | number;
  /** Refuse `Infinity` and `-Infinity` (default `true`). NaN is always refused. */
  readonly finite?: boolean;
}

function lowerBound(b: NumberBounds): { v: number; ex: boolean } | undefined {
  if (typeof b.minExclusive === 'number') return { v: b.minExclusive, ex: true };
  if (b.min !== undefined) return { v: b.min, ex: b.minExclusive === true };
  return undefined;
}

function upperBound(b: NumberBounds): { v: number; ex: boolean } | undefined {
  if (typeof b.maxExclusive === 'number') return { v: b.maxExclusive, ex: true };
  if (b.max !== undefined) return { v: b.max, ex: b.maxExclusive === true };
  return undefined;
}

function describeRange(kind: string, b: NumberBounds): string {
  const lo = lowerBound(b);
  const hi = upperBound(b);
  if (lo && hi) return `${kind} in ${lo.ex ? '(' : '['}${lo.v}, ${hi.v}${hi.ex ? ')' : ']'}`;
  if (lo) return `${kind} ${lo.ex ? '>' : '>='} ${lo.v}`;
  if (hi) return `${kind} ${hi.ex ? '<' : '<='} ${hi.v}`;
  return kind;
}

function inRange(v: number, b: NumberBounds): boolean {
  const lo = lowerBound(b);
  const hi = upperBound(b);
  if (lo && !(lo.ex ? v > lo.v : v >= lo.v)) return false;
  if (hi && !(hi.ex ? v < hi.v : v <= hi.v)) return false;
  return true;
}

/**
 * A number within optional bounds; finite unless `bounds.finite` is `false`.
 *
 * @throws {TypeError} when `value` is not a number
 * @throws {RangeError} when it is NaN, infinite (by default) or out of bounds
 * @example
 * checkNumber('adam', 'b1', 0.9, { min: 0, maxExclusive: true, max: 1 }); // in [0, 1)
 * checkNumber('sgd', 'learningRate', 0.1, { minExclusive: 0 });          // > 0
 */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  bounds: NumberBounds = {},
): number {
  const finite = bounds.finite !== false;
  const kind = finite ? 'a finite number' : 'a number';
  if (typeof value !== 'number') typeError(op, name, describeRange(kind, bounds), value);
  if (Number.isNaN(value) || (finite && !Number.isFinite(value)) || !inRange(value, bounds)) {
    rangeError(op, name, describeRange(kind, bounds), value);
  }
  return value;
}

/**
 * An integer (a finite number with no fractional part) within optional inclusive bounds.
 *
 * @throws {TypeError} when `value` is not a number
 * @throws {RangeError} when it is not an integer or out of bounds
 */
export function checkInt(
  op: string,
  name: string,
  value: unknown,
  bounds: { readonly min?: number; readonly max?: number } = {},
): number {
  const expected = describeRange('an integer', { min: bounds.min, max: bounds.max });
  if (typeof value !== 'number') typeError(op, name, expected, value);
  if (!Number.isInteger(value) || !inRange(value, bounds)) rangeError(op, name, expected, value);
  return value;
}

/**
 * A finite number.
 *
 * @throws {TypeError} when `value` is not a number
 * @throws {RangeError} when it is NaN or infinite
 */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') typeError(op, name, 'a finite number', value);
  if (!Number.isFinite(value)) rangeError(op, name, 'a finite number', value);
  return value;
}

/**
 * A size or count: an integer `>= 0`.
 *
 * @throws {TypeError} when `value` is not a number
 * @throws {RangeError} when it is not a non-negative integer
 */
export function checkSize(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') typeError(op, name, 'a non-negative integer', value);
  if (!Number.isInteger(value) || value < 0) rangeError(op, name, 'a non-negative integer', value);
  return value;
}

/** A boolean. @throws {TypeError} otherwise */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') typeError(op, name, 'a boolean', value);
  return value;
}

/** A string. @throws {TypeError} otherwise */
export function checkString(op: string, name: string, value: unknown): string {
  if (typeof value !== 'string') typeError(op, name, 'a string', value);
  return value;
}

/**
 * One of a fixed list of choices (compared with `===`).
 *
 * @throws {TypeError} when `value` has a type none of the choices has
 * @throws {RangeError} when it has the right type but is not one of them
 * @example
 * const mode = checkOneOf('fitHead', 'mode', opts.mode, ['exact', 'sgd'] as const);
 */
export function checkOneOf<const C extends readonly unknown[]>(
  op: string,
  name: string,
  value: unknown,
  choices: C,
): C[number] {
  if (choices.includes(value)) return value as C[number];
  const expected = `one of ${choices.map(formatValue).join(', ')}`;
  const types = new Set(choices.map((c) => (c === null ? 'null' : typeof c)));
  if (!types.has(value === null ? 'null' : typeof value)) typeError(op, name, expected, value);
  return rangeError(op, name, expected, value);
}

/**
 * A non-null, non-array object.
 *
 * @throws {TypeError} otherwise
 */
export function checkObject<T extends object = Record<string, unknown>>(
  op: string,
  name: string,
  value: unknown,
): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    typeError(op, name, 'an object', value);
  }
  return value as T;
}

/**
 * An options object, where `undefined` reads as `{}`.
 *
 * @throws {TypeError} when `value` is neither `undefined` nor an object
 */
export function checkOptions<T extends object>(op: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  return checkObject<T>(op, 'options', value);
}

/**
 * Refuses own keys of `value` that are not in `allowed` (a misspelt option).
 *
 * @throws {RangeError} naming the first unknown key and the allowed ones
 */
export function checkKnownKeys<T extends object>(
  op: string,
  name: string,
  value: T,
  allowed: readonly string[],
): T {
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) {
      throw new RangeError(
        `${op}: ${name} has an unknown field ${JSON.stringify(k)} (known: ${allowed.join(', ')})`,
      );
    }
  }
  return value;
}

/** A function. @throws {TypeError} otherwise */
export function checkFunction<
  F extends (...args: never[]) => unknown = (...args: never[]) => unknown,
>(op: string, name: string, value: unknown): F {
  if (typeof value !== 'function') typeError(op, name, 'a function', value);
  return value as F;
}

/** One bad field found by a {@link ConfigErrors} collector. */
export interface ConfigIssue {
  readonly field: string;
  readonly message: string;
}

/** The error {@link ConfigErrors.throwIfAny} throws: a `RangeError` listing every bad field. */
export class ConfigError extends RangeError {
  /** Every bad field, in the order found. */
  readonly issues: readonly ConfigIssue[];

  constructor(op: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.field}: ${i.message}`);
    const n = issues.length;
    super(`${op}: invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Collects every problem of a configuration so that one error lists them all, instead of the
 * user fixing them one run at a time.
 *
 * @example
 * const errors = new ConfigErrors();
 * errors.check('rounds', () => checkInt('pretrain', 'config.rounds', c.rounds, { min: 1 }));
 * if (c.seed !== undefined) errors.add('seed', 'is removed: pass key(seed) as the first argument');
 * errors.throwIfAny('pretrain'); // RangeError listing every bad field
 */
export class ConfigErrors {
  readonly #issues: ConfigIssue[] = [];

  /** Records that `field` is bad, with a message saying what was expected. */
  add(field: string, message: string): void {
    this.#issues.push({ field, message });
  }

  /**
   * Runs a check; if it throws a `TypeError` or `RangeError`, records its message under
   * `field` and returns `undefined`, else returns the check's value. Other errors propagate.
   */
  check<T>(field: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        this.add(field, e.message);
        return undefined;
      }
      throw e;
    }
  }

  /** The problems recorded so far. */
  get issues(): readonly ConfigIssue[] {
    return this.#issues.slice();
  }

  /** Whether any problem was recorded. */
  get any(): boolean {
    return this.#issues.length > 0;
  }

  /** Throws one {@link ConfigError} (a `RangeError`) listing every problem, if any. */
  throwIfAny(op: string): void {
    if (this.#issues.length > 0) throw new ConfigError(op, this.#issues.slice());
  }
}
