import { checkSize, checkString, rangeError, typeError } from '../validate.js';

/**
 * A PRNG key: 128 bits as four unsigned 32-bit words. Keys are values: a sampling function
 * takes one and never changes it. Derive new keys with {@link split} or {@link foldIn}; never
 * use one key for two different draws.
 */
export type Key = readonly [number, number, number, number];

// fmix32 from MurmurHash3: a bijective 32-bit finaliser with full avalanche.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Derives word `w` of a child key from the parent words, a domain tag and an index.
function deriveWord(k: Key, tag: number, index: number, w: number): number {
  let h = fmix32((k[w] ^ Math.imul(0x9e3779b9, w + 1)) >>> 0);
  h = fmix32((h ^ k[(w + 1) & 3]) >>> 0);
  h = fmix32((h + Math.imul(index >>> 0, 0x27d4eb2f) + tag) >>> 0);
  h = fmix32((h ^ k[(w + 2) & 3] ^ Math.floor(index / 4294967296)) >>> 0);
  return fmix32((h + k[(w + 3) & 3]) >>> 0);
}

function derive(k: Key, tag: number, index: number): Key {
  return [
    deriveWord(k, tag, index, 0),
    deriveWord(k, tag, index, 1),
    deriveWord(k, tag, index, 2),
    deriveWord(k, tag, index, 3),
  ];
}

/** Throws unless `k` is a valid key. */
export function assertKey(op: string, k: unknown): asserts k is Key {
  if (
    !Array.isArray(k) ||
    k.length !== 4 ||
    k.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
  ) {
    throw new TypeError(
      `${op}: key must be a Key (four uint32 words from key(seed), split or foldIn)`,
    );
  }
}

/**
 * The root key for an integer seed (0 <= seed <= 2^53 - 1). The same seed gives the same
 * key, and so the same numbers, on every platform.
 *
 * @throws {TypeError} when `seed` is not a number
 * @throws {RangeError} when `seed` is not a safe non-negative integer
 * @example
 * const k = key(42);
 */
export function key(seed: number): Key {
  if (typeof seed !== 'number') typeError('key', 'seed', 'an integer in [0, 2^53 - 1]', seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    rangeError('key', 'seed', 'an integer in [0, 2^53 - 1]', seed);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return derive([lo, hi, 0x6a09e667, 0xbb67ae85], 0x5eed, 0);
}

/**
 * The keys `split(k, n)` returns: a tuple of exactly `N` keys when `N` is a literal count up
 * to 64 (so destructuring works under `noUncheckedIndexedAccess`), else `readonly Key[]`.
 */
export type Keys<N extends number> = number extends N ? readonly Key[] : KeyTuple<N, []>;

/** `N` keys as a tuple, built up in `Acc` (a helper of {@link Keys}; counts above 64 give `readonly Key[]`). */
export type KeyTuple<N extends number, Acc extends readonly Key[] = []> = Acc['length'] extends N
  ? Readonly<Acc>
  : Acc['length'] extends 64
    ? readonly Key[]
    : KeyTuple<N, [...Acc, Key]>;

/**
 * `n` new independent keys from `k` (default 2), typed by their count: `split(k)` is
 * `readonly [Key, Key]`, `split(k, 3)` is `readonly [Key, Key, Key]`.
 *
 * @example
 * const [kData, kInit] = split(key(0));
 * const [kx, ky, kz] = split(key(1), 3);
 */
export function split(k: Key): readonly [Key, Key];
export function split<N extends number>(k: Key, n: N): Keys<N>;
export function split(k: Key, n = 2): readonly Key[] {
  assertKey('split', k);
  checkSize('split', 'n', n);
  const out: Key[] = [];
  for (let i = 0; i < n; i++) out.push(derive(k, 0x5b1, i));
  return out;
}

/**
 * Named keys: `splitNamed(k, names)[names[i]]` is `split(k, names.length)[i]`, bit for bit,
 * so a method can name the parts of its key instead of counting them.
 *
 * @throws {TypeError} when `names` is not an array of strings
 * @throws {RangeError} when a name repeats
 * @example
 * const { init, heads, data } = splitNamed(k, ['init', 'heads', 'data'] as const);
 */
export function splitNamed<const Names extends readonly string[]>(
  k: Key,
  names: Names,
): Readonly<Record<Names[number], Key>> {
  assertKey('splitNamed', k);
  if (!Array.isArray(names)) {
    throw new TypeError(`splitNamed: names must be an array of strings, got ${typeof names}`);
  }
  const keys = split(k, names.length);
  const out: Record<string, Key> = {};
  names.forEach((name, i) => {
    checkString('splitNamed', `names[${i}]`, name);
    if (Object.hasOwn(out, name)) {
      throw new RangeError(`splitNamed: names must be distinct, got ${JSON.stringify(name)} twice`);
    }
    out[name] = keys[i] as Key;
  });
  return Object.freeze(out) as Readonly<Record<Names[number], Key>>;
}

/**
 * A new key from `k` and an integer, for addressing streams by index (task t, round r) so that
 * one stream never depends on how many draws another made.
 *
 * @example
 * const kTask = foldIn(foldIn(kRun, round), task);
 */
export function foldIn(k: Key, data: number): Key {
  assertKey('foldIn', k);
  if (typeof data !== 'number') typeError('foldIn', 'data', 'a non-negative safe integer', data);
  if (!Number.isSafeInteger(data) || data < 0) {
    rangeError('foldIn', 'data', 'a non-negative safe integer', data);
  }
  return derive(k, 0xf01d, data);
}
