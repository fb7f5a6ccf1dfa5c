import { describe, expect, it } from 'vitest';
import { foldIn, key, Stream, stream } from '../index.js';
import { fillLane, fillNormalKernel, NORMAL_CHUNK, normalLanes } from './normal.js';

// The tail of the ziggurat starts here; draws beyond it come from the slowest branch.
const R = 3.442619855899;

/**
 * The bulk stream written out from its definition: element e is the (e div 4)-th nextNormal
 * of stream(foldIn(k, e mod 4)). Also counts the uniforms the slow paths drew.
 */
function reference(k: readonly [number, number, number, number], n: number) {
  const lanes = [0, 1, 2, 3].map((i) => stream(foldIn(k, i)));
  let uniforms = 0;
  for (const s of lanes) {
    const open = s.nextOpenUnit.bind(s);
    s.nextOpenUnit = () => {
      uniforms++;
      return open();
    };
  }
  const v = Array.from({ length: n }, (_, e) => lanes[e % 4].nextNormal());
  return { v, uniforms };
}

describe('fillNormalKernel (the bulk stream, TypeScript reference)', () => {
  it('is four foldIn lanes interleaved, slow path and tail included, in both dtypes', () => {
    for (const f32 of [false, true]) {
      const k = foldIn(key(5), f32 ? 1 : 0);
      const n = 3 * NORMAL_CHUNK + 7; // several blocks and a ragged end
      const out = f32 ? new Float32Array(n) : new Float64Array(n);
      fillNormalKernel(k, 1, n, out, 0, 1, 0);
      const { v, uniforms } = reference(k, n);
      let tails = 0;
      for (let i = 0; i < n; i++) {
        if (out[i] !== (f32 ? Math.fround(v[i]) : v[i]))
          expect.fail(`element ${i}: ${out[i]} vs ${v[i]}`);
        if (Math.abs(v[i]) > R) tails++;
      }
      // About 2.7 % of draws take the slow path, each drawing at least one uniform.
      expect(uniforms).toBeGreaterThan(0.015 * n);
      expect(tails).toBeGreaterThan(0);
    }
  });

  it('fills a strided view in row-major order and writes nothing else', () => {
    const k = key(9);
    for (const [rows, cols, s0, s1, offset] of [
      [3, 5, 1, 3, 2], // transposed
      [4, 3, -5, -1, 40], // reversed
      [2, 2100, 4300, 2, 1], // rows span blocks
    ]) {
      const size = 10000;
      const out = new Float64Array(size).fill(-7);
      fillNormalKernel(k, rows, cols, out, s0, s1, offset);
      const { v } = reference(k, rows * cols);
      const seen = new Set<number>();
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const o = offset + i * s0 + j * s1;
          seen.add(o);
          if (out[o] !== v[i * cols + j]) expect.fail(`(${i}, ${j})`);
        }
      for (let o = 0; o < size; o++) if (!seen.has(o) && out[o] !== -7) expect.fail(`wrote ${o}`);
    }
  });

  it('does nothing for an empty view', () => {
    const out = new Float64Array(3).fill(1);
    fillNormalKernel(key(1), 0, 5, out, 5, 1, 0);
    fillNormalKernel(key(1), 5, 0, out, 1, 1, 0);
    expect(Array.from(out)).toEqual([1, 1, 1]);
  });

  it('lane i is the stream of foldIn(k, i)', () => {
    const lanes = normalLanes(key(3));
    expect(lanes).toHaveLength(4);
    for (const [i, s] of lanes.entries()) {
      const t = new Stream(foldIn(key(3), i));
      expect([s.s0, s.s1, s.s2, s.s3]).toEqual([t.s0, t.s1, t.s2, t.s3]);
    }
  });
});

describe('fillLane', () => {
  it('equals repeated Stream.nextNormal and leaves the stream in the same state', () => {
    const k = key(11);
    const out = new Float64Array(31).fill(-7);
    const s = stream(k);
    fillLane(5, out, 3, 2, s); // indices 2, 5, 8, 11, 14
    fillLane(4, out, -2, 30, s); // indices 30, 28, 26, 24
    const ref = stream(k);
    const idx = [2, 5, 8, 11, 14, 30, 28, 26, 24];
    for (const i of idx) expect(out[i]).toBe(ref.nextNormal());
    for (let i = 0; i < out.length; i++) if (!idx.includes(i)) expect(out[i]).toBe(-7);
    expect(s.nextUint32()).toBe(ref.nextUint32());
    const before = [s.s0, s.s1, s.s2, s.s3];
    fillLane(0, out, 1, 0, s);
    expect([s.s0, s.s1, s.s2, s.s3]).toEqual(before);
  });
});
