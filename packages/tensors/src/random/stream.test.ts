import { describe, expect, it } from 'vitest';
import { type Key, key, Stream, stream } from '../index.js';

// xoshiro128** (Blackman and Vigna) written independently with unsigned arithmetic.
function xoshiro128ss(seed: readonly number[], n: number): number[] {
  const s = seed.map((w) => w >>> 0);
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0);
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
  }
  return out;
}

describe('Stream', () => {
  it('is xoshiro128** seeded with the key words', () => {
    const s = stream([1, 2, 3, 4]);
    const got = Array.from({ length: 5 }, () => s.nextUint32());
    expect(got.slice(0, 2)).toEqual([11520, 0]); // worked by hand from the reference algorithm
    expect(got).toEqual(xoshiro128ss([1, 2, 3, 4], 5));
    const k = key(123);
    const t = new Stream(k);
    expect(Array.from({ length: 1000 }, () => t.nextUint32())).toEqual(xoshiro128ss(k, 1000));
  });

  it('gives pinned values for key(42)', () => {
    const s = stream(key(42));
    expect([s.nextUint32(), s.nextUint32(), s.nextUint32(), s.nextUint32()]).toEqual([
      3850012744, 3592531019, 987393014, 1638494856,
    ]);
  });

  it('accepts the all-zero key (guarded fixed point)', () => {
    const s = stream([0, 0, 0, 0]);
    const v = Array.from({ length: 8 }, () => s.nextUint32());
    expect(new Set(v).size).toBeGreaterThan(1);
  });

  it('nextFloat is in [0, 1), nextOpenUnit in (0, 1), nextInt32 is the signed word', () => {
    const k: Key = key(5);
    const a = stream(k);
    const b = stream(k);
    let sum = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      const f = a.nextFloat();
      if (!(f >= 0 && f < 1)) expect.fail(`nextFloat gave ${f}`);
      sum += f;
      const u = a.nextOpenUnit();
      if (!(u > 0 && u < 1)) expect.fail(`nextOpenUnit gave ${u}`);
    }
    // mean of U(0, 1): standard error sqrt(1/12 / n)
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(b.nextInt32()).toBe(stream(k).nextUint32() | 0);
  });

  it('nextInt is unbiased-ish over [0, n) and checks n', () => {
    const s = stream(key(6));
    for (const n of [1, 3, 7, 1000003]) {
      const draws = 60000;
      const buckets = Math.min(n, 7);
      const counts = new Array<number>(buckets).fill(0);
      for (let i = 0; i < draws; i++) {
        const v = s.nextInt(n);
        if (!(Number.isInteger(v) && v >= 0 && v < n)) expect.fail(`nextInt(${n}) gave ${v}`);
        counts[Math.floor((v * buckets) / n)]++;
      }
      // Each bucket is Binomial(draws, ~1/buckets); 1000003 / 7 buckets are equal to 1e-6.
      const p = 1 / buckets;
      const se = Math.sqrt(draws * p * (1 - p));
      for (const c of counts) expect(Math.abs(c - draws * p)).toBeLessThanOrEqual(4 * se + 1e-9);
    }
    expect(s.nextInt(2 ** 32)).toBeLessThan(2 ** 32);
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) {
      expect(() => s.nextInt(bad)).toThrow('Stream.nextInt: n must be an integer in [1, 2^32]');
    }
  });

  it('refuses a bad key', () => {
    expect(() => stream([1, 2] as unknown as Key)).toThrow('stream: key must be a Key');
  });
});
