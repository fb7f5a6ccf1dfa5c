import { checkSize } from '../_validate.js';

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
 * @throws {RangeError} when `seed` is not a safe non-negative integer
 * @example
 * const k = key(42);
 */
export function key(seed: number): Key {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`key: seed must be an integer in [0, 2^53 - 1], got ${String(seed)}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return derive([lo, hi, 0x6a09e667, 0xbb67ae85], 0x5eed, 0);
}

/**
 * `n` new independent keys from `k` (default 2).
 *
 * @example
 * const [kData, kInit] = split(key(0));
 */
export function split(k: Key, n = 2): Key[] {
  assertKey('split', k);
  checkSize('split', 'n', n);
  const out: Key[] = [];
  for (let i = 0; i < n; i++) out.push(derive(k, 0x5b1, i));
  return out;
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
  if (!Number.isSafeInteger(data) || data < 0) {
    throw new RangeError(`foldIn: data must be a non-negative safe integer, got ${String(data)}`);
  }
  return derive(k, 0xf01d, data);
}
