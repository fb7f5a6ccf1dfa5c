import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../dtype.js';
import { key, type Stream, stream } from '../index.js';
import type { GemmKernel } from '../kernelTypes.js';
import { gemmBlocked } from './gemmBlocked.js';
import { gemmReference } from './gemmReference.js';
import { maskedGemmKernel } from './maskedGemm.js';

// Random buffer of `size` values in [-1, 1), about a third of them exactly 0 so the mask's
// `z > 0` (not `z >= 0`) is exercised.
function buffer(s: Stream, f32: boolean, size: number): FloatArray {
  const d = f32 ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) d[i] = s.nextInt(3) === 0 ? 0 : 2 * s.nextFloat() - 1;
  return d;
}

describe.each([
  ['gemmBlocked', gemmBlocked],
  ['gemmReference', gemmReference],
] as [string, GemmKernel][])('maskedGemmKernel with %s', (_name, gemm) => {
  it.each([
    [1, 1, 1, false],
    [5, 3, 7, true],
    [130, 17, 67, false],
    [600, 5, 9, true], // n spans several row blocks
  ] as const)('matches a naive loop, n=%i m=%i d=%i, strided (f32=%s)', (n, m, d, f32) => {
    const s = stream(key(n * 1000 + m));
    // z [n, m] stored transposed, g and a with stride 2, x [n, d] with padded rows,
    // out [m, d] stored transposed at an offset.
    const z = buffer(s, f32, n * m);
    const g = buffer(s, f32, 2 * n + 1);
    const a = buffer(s, f32, 2 * m + 3);
    const x = buffer(s, f32, n * (d + 2));
    const zAt = (p: number, i: number) => z[p + i * n];
    const gAt = (p: number) => g[1 + 2 * p];
    const aAt = (i: number) => a[3 + 2 * i];
    const xAt = (p: number, j: number) => x[p * (d + 2) + j];
    for (const [alpha, beta] of [
      [1 / n, 0],
      [-2, 0.5],
    ]) {
      const out0 = buffer(s, f32, 4 + m * d);
      if (beta === 0) out0.fill(Number.NaN, 4);
      const out = out0.slice();
      maskedGemmKernel(
        gemm,
        n,
        m,
        d,
        alpha,
        z,
        1,
        n,
        0,
        g,
        2,
        1,
        a,
        2,
        3,
        x,
        d + 2,
        1,
        0,
        beta,
        out,
        1,
        m,
        4,
      );
      const rtol = f32 ? 2e-6 : 1e-13;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < d; j++) {
          let acc = 0;
          let mag = 0;
          for (let p = 0; p < n; p++) {
            const v = zAt(p, i) > 0 ? gAt(p) * aAt(i) * xAt(p, j) : 0;
            acc += v;
            mag += Math.abs(v);
          }
          const old = out0[4 + i + j * m];
          const want = beta === 0 ? alpha * acc : alpha * acc + beta * old;
          const tol =
            rtol * (Math.abs(alpha) * mag + Math.abs(beta * (beta === 0 ? 0 : old))) + 1e-300;
          const got = out[4 + i + j * m];
          if (!(Math.abs(got - want) <= tol))
            expect.fail(`out[${i}, ${j}] = ${got}, expected ${want}`);
        }
      }
      for (let o = 0; o < 4; o++) expect(Object.is(out[o], out0[o])).toBe(true);
    }
  });

  it('n = 0 gives beta * out (and overwrites NaN when beta = 0)', () => {
    const out = new Float64Array([1, Number.NaN, 3, 4]);
    const e = new Float64Array(0);
    maskedGemmKernel(
      gemm,
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
      0,
      out,
      2,
      1,
      0,
    );
    expect([...out]).toEqual([0, 0, 0, 0]);
    const out2 = new Float64Array([1, 2, 3, 4]);
    maskedGemmKernel(
      gemm,
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
      3,
      out2,
      2,
      1,
      0,
    );
    expect([...out2]).toEqual([3, 6, 9, 12]);
  });
});
