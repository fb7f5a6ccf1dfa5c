import { afterEach, describe, expect, it } from 'vitest';
import { assemble } from '../../../scripts/wasm/assemble.js';
import { EXP_BAND, samplerWat } from '../../../scripts/wasm/sampler.js';
import {
  DTYPES,
  foldIn,
  key,
  normal,
  normalInto,
  setBackend,
  sliceCols,
  sliceRows,
  toArray,
  transpose,
  zeros,
} from '../../index.js';
import { normalSlowPath, ZIGGURAT_KN } from '../../random/ziggurat.js';
import { fillNormalKernel, normalLanes } from '../normal.js';
import { fillNormalWasm, fillNormalWith, getSampler, imports, Sampler } from './normalWasm.js';

afterEach(() => setBackend('js'));

type View = [rows: number, cols: number, s0: number, s1: number, offset: number, size: number];

// Both kernels on the same view of two buffers with the same filler; every element must agree
// bit for bit (Object.is, so -0 and NaN would count too), the untouched ones included.
function same(
  k: readonly [number, number, number, number],
  f32: boolean,
  [r, c, s0, s1, o, size]: View,
) {
  const make = () => (f32 ? new Float32Array(size) : new Float64Array(size)).fill(0.25);
  const want = make();
  const got = make();
  fillNormalKernel(k, r, c, want, s0, s1, o);
  fillNormalWasm(k, r, c, got, s0, s1, o);
  for (let i = 0; i < size; i++)
    if (!Object.is(got[i], want[i]))
      expect.fail(
        `${f32 ? 'f32' : 'f64'} view ${[r, c, s0, s1, o]} element ${i}: ${got[i]} vs ${want[i]}`,
      );
}

describe('fillNormalWasm', () => {
  it('equals the TypeScript kernel on many keys and sizes, contiguous, in both dtypes', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 7, 63, 4095, 4096, 4097, 8193, 12_345];
    for (const f32 of [false, true])
      for (const [t, n] of sizes.entries())
        for (let seed = 0; seed < 4; seed++)
          same(foldIn(key(seed), t), f32, [1, n, 0, 1, 3, n + 5]);
  });

  it('equals the TypeScript kernel on strided, reversed and offset views', () => {
    const views: View[] = [
      [7, 5, 1, 7, 0, 35], // column-major
      [5, 9, 12, 1, 4, 64], // rows with gaps
      [3, 11, -11, -1, 40, 41], // reversed
      [1, 1001, 0, 3, 2, 3005], // strided vector
      [65, 65, 1, 70, 9, 4600], // transposed, spans two blocks
      [2, 4097, 4100, 1, 1, 8300], // rows longer than a block
    ];
    for (const f32 of [false, true])
      for (const [i, v] of views.entries()) same(foldIn(key(100), i), f32, v);
  });

  it('runs the slow path often, with identical results (one million draws, one key)', () => {
    // About 2.7 % of draws take the slow path and 1 in 1700 lands in the tail beyond R.
    const n = 1 << 20;
    const k = key(2026);
    const want = new Float64Array(n);
    const got = new Float64Array(n);
    fillNormalKernel(k, 1, n, want, 0, 1, 0);
    fillNormalWasm(k, 1, n, got, 0, 1, 0);
    let tails = 0;
    for (let i = 0; i < n; i++) {
      if (got[i] !== want[i]) expect.fail(`element ${i}: ${got[i]} vs ${want[i]}`);
      if (Math.abs(want[i]) > 3.442619855899) tails++;
    }
    expect(tails).toBeGreaterThan(300);
  });

  it('repairs groups with several rejected lanes, in both dtypes and with the band widened', async () => {
    // The sampler sends a group of four draws with any rejected lane to one slow path that
    // loops over the rejected lanes; count, with the reference lanes, groups where two or more
    // lanes (and three or more) were rejected, so the test knows it covers them.
    const n = 1 << 16;
    const k = key(404);
    const lanes = normalLanes(k);
    const rejected = new Uint8Array(n / 4);
    for (let e = 0; e < n; e++) {
      const s = lanes[e % 4];
      const hz = s.nextInt32();
      const iz = hz & 127;
      if (Math.abs(hz) < ZIGGURAT_KN[iz]) continue;
      normalSlowPath(s, hz, iz);
      rejected[e >> 2]++;
    }
    const several = rejected.filter((r) => r >= 2).length;
    expect(several).toBeGreaterThan(40); // 67 for this key
    expect(rejected.some((r) => r >= 3)).toBe(true);
    const wide = new Sampler(
      new WebAssembly.Instance(
        new WebAssembly.Module(new Uint8Array(await assemble('sampler.wat', samplerWat(1)))),
        imports,
      ),
    );
    for (const sm of [getSampler(), wide])
      for (const f32 of [false, true]) {
        const want = f32 ? new Float32Array(n) : new Float64Array(n);
        const got = f32 ? new Float32Array(n) : new Float64Array(n);
        fillNormalKernel(k, 1, n, want, 0, 1, 0);
        fillNormalWith(sm, k, 1, n, got, 0, 1, 0);
        for (let i = 0; i < n; i++)
          if (!Object.is(got[i], want[i]))
            expect.fail(`${f32 ? 'f32' : 'f64'} element ${i}: ${got[i]} vs ${want[i]}`);
      }
  });

  it('approximates exp on [-6, 0] well inside the band where it asks Math.exp', () => {
    const f = getSampler().expApprox;
    let worst = 0;
    for (let i = 0; i <= 600_000; i++) {
      const z = -i / 100_000 + (i % 7) * 1.3e-7;
      worst = Math.max(worst, Math.abs(f(z) / Math.exp(z) - 1));
    }
    expect(worst).toBeLessThan(EXP_BAND / 10);
  });

  it('takes the exact Math.exp comparison inside the band (band widened to send all there)', async () => {
    let calls = 0;
    const math = {
      ...imports.math,
      exp: (z: number) => {
        calls++;
        return Math.exp(z);
      },
    };
    const bytes = await assemble('sampler.wat', samplerWat(1));
    const sm = new Sampler(
      new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { math }),
    );
    for (const f32 of [false, true]) {
      const n = 20_000;
      const k = foldIn(key(31), f32 ? 1 : 0);
      const want = f32 ? new Float32Array(n) : new Float64Array(n);
      const got = f32 ? new Float32Array(n) : new Float64Array(n);
      fillNormalKernel(k, 1, n, want, 0, 1, 0);
      fillNormalWith(sm, k, 1, n, got, 0, 1, 0);
      expect(got).toEqual(want);
    }
    expect(calls).toBeGreaterThan(500); // about 2.7 % of 40 000 draws
  });
});

describe('normal and normalInto on the wasm backend', () => {
  it.each(DTYPES)('draw what the js backend draws (%s)', (dtype) => {
    const shapes: [number, number][] = [
      [0, 3],
      [1, 1],
      [3, 5],
      [37, 41],
      [128, 64],
    ];
    for (const [i, shape] of shapes.entries()) {
      const k = foldIn(key(7), i);
      setBackend('js');
      const js = normal(k, shape, { dtype });
      setBackend('wasm');
      expect(normal(k, shape, { dtype })).toEqual(js);
      // A transposed, sliced view gets the same numbers as a fresh tensor of its shape.
      const buf = zeros([shape[1] + 2, shape[0] + 3], { dtype });
      const v = sliceRows(sliceCols(transpose(buf), 1, shape[1] + 1), 0, shape[0]);
      normalInto(k, v);
      expect(toArray(v)).toEqual(toArray(js));
    }
  });
});
