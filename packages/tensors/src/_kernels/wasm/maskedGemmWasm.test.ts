import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../../dtype.js';
import { key, type Stream, stream } from '../../index.js';
import { gemmReference } from '../gemmReference.js';
import { maskedGemmKernel } from '../maskedGemm.js';
import { getArena, relaxedSimdSupported, resetArena } from './arena.js';
import { tileOf } from './gemmWasm.js';
import { maskedGemmWasm } from './maskedGemmWasm.js';

// Node 20 has relaxed SIMD behind this flag (Node >= 22 by default): turning it on in this
// test process lets both micro kernel variants, plain and relaxed-SIMD fma, run below.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const VARIANTS = ['plain', 'fma'] as const;

// Values in [-1, 1), about a third exactly 0 (so the mask's `z > 0`, not `>=`, matters) and
// a few NaN in z (NaN > 0 is false: masked out, as in the TypeScript kernel).
function buffer(s: Stream, f32: boolean, size: number, nan = false): FloatArray {
  const d = f32 ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const r = s.nextInt(30);
    d[i] = nan && r === 0 ? Number.NaN : r < 10 ? 0 : 2 * s.nextFloat() - 1;
  }
  return d;
}

// A strided layout of every operand: row-major or transposed z, strided g and a, padded x,
// out row-major or transposed, at offsets.
interface Layout {
  zT: boolean;
  sg: number;
  sa: number;
  padX: number;
  outT: boolean;
}

// With `below`, the factor is the leaky step (1 where z > 0, `below` elsewhere, NaN included).
function check(
  n: number,
  m: number,
  d: number,
  f32: boolean,
  lay: Layout,
  s: Stream,
  below?: number,
): void {
  const factor = below === undefined ? undefined : ({ kind: 'step', below, above: 1 } as const);
  const z = buffer(s, f32, 2 + n * m, true);
  const g = buffer(s, f32, 1 + lay.sg * n);
  const a = buffer(s, f32, 3 + lay.sa * m);
  const x = buffer(s, f32, n * (d + lay.padX));
  const [sz0, sz1] = lay.zT ? [1, n] : [m, 1];
  const [so0, so1] = lay.outT ? [1, m] : [d, 1];
  for (const [alpha, beta] of [
    [1 / n, 0],
    [-2, 0.5],
  ]) {
    const out0 = buffer(s, f32, 4 + m * d);
    if (beta === 0) out0.fill(Number.NaN);
    const want = out0.slice();
    const got = out0.slice();
    const args = [n, m, d, alpha, z, sz0, sz1, 2, g, lay.sg, 1, a, lay.sa, 3] as const;
    const rest = [x, d + lay.padX, 1, 0, beta] as const;
    maskedGemmKernel(gemmReference, ...args, ...rest, want, so0, so1, 4, factor);
    maskedGemmWasm(...args, ...rest, got, so0, so1, 4, factor);
    // Bound: about n roundings (float32 accumulates in float32 here) of the magnitude sum.
    const eps = f32 ? 1.2e-7 : 2.3e-16;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) {
        let mag = 0;
        for (let p = 0; p < n; p++) {
          const zv = z[2 + p * sz0 + i * sz1];
          const f = zv > 0 ? 1 : Math.abs(below ?? 0);
          mag += f * Math.abs(g[1 + p * lay.sg] * a[3 + i * lay.sa] * x[p * (d + lay.padX) + j]);
        }
        const o = 4 + i * so0 + j * so1;
        const scale = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * out0[o]));
        if (!(Math.abs(got[o] - want[o]) <= (n + 4) * eps * scale + 1e-300))
          expect.fail(`out[${i}, ${j}] = ${got[o]}, reference ${want[o]} (n=${n} m=${m} d=${d})`);
      }
    }
    for (let o = 0; o < 4; o++) expect(Object.is(got[o], out0[o])).toBe(true);
  }
}

const CONTIGUOUS: Layout = { zT: false, sg: 1, sa: 1, padX: 0, outT: false };
const STRIDED: Layout = { zT: true, sg: 2, sa: 3, padX: 2, outT: true };

describe.each(VARIANTS)(
  'maskedGemmWasm against maskedGemmKernel(gemmReference) (%s micro kernel)',
  (variant) => {
    beforeAll(() => resetArena(variant === 'fma'));
    afterAll(() => resetArena());

    it('runs the variant asked for', () => {
      expect(relaxedSimdSupported()).toBe(true);
      expect(getArena().fma).toBe(variant === 'fma');
    });

    // The tiles of both dtypes in this variant: shapes around their mr, nr and mb.
    const [t32, t64] = [tileOf(variant === 'fma', 'f32'), tileOf(variant === 'fma', 'f64')];
    const kc = Math.min(t32.kc, t64.kc);
    it.each([
      [1, 1, 1],
      [5, 3, 7],
      [9, 4, 8],
      [7, 5, 13],
      [11, 7, 11],
      [130, 17, 67],
      [70, t32.mb + 5, 9],
      [33, t32.mb - 1, t32.nr + 1],
      [40, t64.mb + 2, t64.nr - 1],
      [25, 2 * t64.mb + 1, 3 * t64.nr + 1],
      [kc + 30, 6, 5], // n spans two K chunks
    ] as const)('n=%i m=%i d=%i, contiguous and strided, float32 and float64', (n, m, d) => {
      const s = stream(key(n * 1000 + m * 10 + d));
      for (const f32 of [true, false]) {
        check(n, m, d, f32, CONTIGUOUS, s);
        check(n, m, d, f32, STRIDED, s);
        // The leaky step runs its own SIMD kernel (slope 0.25, and a negative one).
        check(n, m, d, f32, CONTIGUOUS, s, 0.25);
        check(n, m, d, f32, STRIDED, s, -0.5);
      }
    });

    it('n = 0 gives beta * out (and overwrites NaN when beta = 0)', () => {
      const e = new Float64Array(0);
      const run = (beta: number, out: Float64Array) =>
        maskedGemmWasm(
          0,
          2,
          2,
          1,
          e,
          2,
          1,
          0,
          e,
          1,
          0,
          new Float64Array(2),
          1,
          0,
          e,
          2,
          1,
          0,
          beta,
          out,
          2,
          1,
          0,
        );
      const out = new Float64Array([1, Number.NaN, 3, 4]);
      run(0, out);
      expect([...out]).toEqual([0, 0, 0, 0]);
      const out2 = new Float64Array([1, 2, 3, 4]);
      run(3, out2);
      expect([...out2]).toEqual([3, 6, 9, 12]);
    });
  },
);
