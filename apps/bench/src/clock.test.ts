import { describe, expect, it } from 'vitest';
import { CHAIN, clockChain, clockProbeBytes, measureClockGHz, simdFlopsPerCycle } from './clock.js';

describe('clock probe', () => {
  it('is a valid module whose chain computes n * CHAIN * y mod 2^32', () => {
    expect(WebAssembly.validate(clockProbeBytes())).toBe(true);
    const f = clockChain();
    expect(f(1, 1)).toBe(CHAIN);
    expect(f(3, 7)).toBe(3 * CHAIN * 7);
    expect(f(1000, -2)).toBe(-2000 * CHAIN);
    // Wraps like i32 arithmetic: 2^26 * 32 * 2 = 2^32 -> 0.
    expect(f(2 ** 26, 2)).toBe(0);
  });

  it('measures a clock in a plausible range and rejects bad sample counts', () => {
    const ghz = measureClockGHz(1);
    expect(ghz).toBeGreaterThan(0.1);
    expect(ghz).toBeLessThan(10);
    expect(() => measureClockGHz(0)).toThrow(/samples must be an integer >= 1, got 0/);
    expect(() => measureClockGHz(1.5)).toThrow(/samples/);
  });

  it('counts 128-bit SIMD flops per cycle with two FMA pipes', () => {
    expect(simdFlopsPerCycle('float32')).toBe(16);
    expect(simdFlopsPerCycle('float64')).toBe(8);
  });
});
