import { rangeError, typeError } from '../validate.js';
import { assertKey, type Key } from './key.js';
import { normalFromStream } from './ziggurat.js';

/**
 * A sequential generator: xoshiro128** (Blackman and Vigna, 2018) seeded with the four words
 * of a key. Use it when an algorithm needs an unknown number of draws in a loop; prefer the
 * bulk samplers (`normal`, `uniform`) otherwise. A stream owns its key: do not reuse that key.
 */
export class Stream {
  /** xoshiro128** state words. Public for the kernels; do not write them. */
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  constructor(k: Key) {
    assertKey('stream', k);
    this.s0 = k[0] | 0;
    this.s1 = k[1] | 0;
    this.s2 = k[2] | 0;
    this.s3 = k[3] | 0;
    // The all-zero state is the one fixed point of xoshiro; keys from key()/split never give it
    // in practice, but guard it so every key is valid.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9 | 0;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r >>> 0;
  }

  /** The next 32 random bits as a signed integer in [-2^31, 2^31). */
  nextInt32(): number {
    return this.nextUint32() | 0;
  }

  /** A uniform double in the open interval (0, 1), with 32 random bits. */
  nextOpenUnit(): number {
    return (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * 1.1102230246251565e-16;
  }

  /** A uniform integer in [0, n) without modulo bias (Lemire's rejection on 32 bits). */
  nextInt(n: number): number {
    if (typeof n !== 'number') typeError('Stream.nextInt', 'n', 'an integer in [1, 2^32]', n);
    if (!(Number.isInteger(n) && n > 0 && n <= 4294967296)) {
      rangeError('Stream.nextInt', 'n', 'an integer in [1, 2^32]', n);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.nextUint32();
      if (u < limit) return u % n;
    }
  }

  /** A standard normal draw (Marsaglia–Tsang ziggurat, see `normal`). */
  nextNormal(): number {
    return normalFromStream(this);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A sequential generator for `k`.
 *
 * @example
 * const s = stream(key(1));
 * s.nextFloat(); // a number in [0, 1)
 */
export function stream(k: Key): Stream {
  return new Stream(k);
}
