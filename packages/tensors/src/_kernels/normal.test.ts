import { describe, expect, it } from 'vitest';
import { foldIn, key, stream } from '../index.js';
import { fillNormalKernel } from './normal.js';

// The tail of the ziggurat starts here; draws beyond it come from the slowest branch.
const R = 3.442619855899;

describe('fillNormalKernel', () => {
  it('equals repeated Stream.nextNormal, slow path and tail included, and leaves the stream in the same state', () => {
    for (const f32 of [false, true]) {
      const k = foldIn(key(5), f32 ? 1 : 0);
      const n = 20000;
      const out = f32 ? new Float32Array(n) : new Float64Array(n);
      const s = stream(k);
      fillNormalKernel(n, out, 1, 0, s);
      const ref = stream(k);
      let tails = 0;
      for (let i = 0; i < n; i++) {
        const v = ref.nextNormal();
        if (out[i] !== (f32 ? Math.fround(v) : v)) expect.fail(`element ${i}: ${out[i]} vs ${v}`);
        if (Math.abs(v) > R) tails++;
      }
      expect(tails).toBeGreaterThan(0);
      expect(s.nextUint32()).toBe(ref.nextUint32());
    }
  });

  it('writes only the strided elements, in order, and continues the stream across calls', () => {
    const k = key(9);
    const out = new Float64Array(31).fill(-7);
    const s = stream(k);
    fillNormalKernel(5, out, 3, 2, s); // indices 2, 5, 8, 11, 14
    fillNormalKernel(4, out, -2, 30, s); // indices 30, 28, 26, 24
    const ref = stream(k);
    const idx = [2, 5, 8, 11, 14, 30, 28, 26, 24];
    for (const i of idx) expect(out[i]).toBe(ref.nextNormal());
    for (let i = 0; i < out.length; i++) if (!idx.includes(i)) expect(out[i]).toBe(-7);
  });

  it('does nothing for n = 0', () => {
    const s = stream(key(1));
    const before = [s.s0, s.s1, s.s2, s.s3];
    fillNormalKernel(0, new Float64Array(0), 1, 0, s);
    expect([s.s0, s.s1, s.s2, s.s3]).toEqual(before);
  });
});
