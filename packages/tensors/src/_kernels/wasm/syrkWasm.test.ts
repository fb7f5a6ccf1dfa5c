import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldIn, key, stream } from '../../index.js';
import { getArena, resetArena } from './arena.js';
import { syrkWasm } from './syrkWasm.js';

// Both micro kernel variants, as in gemmWasm.test.ts (Node 20 has relaxed SIMD behind a flag).
setFlagsFromString('--experimental-wasm-relaxed-simd');
const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

describe.each(['plain', 'fma'] as const)('syrkWasm (%s micro kernel)', (variant) => {
  beforeAll(() => resetArena(variant === 'fma'));
  afterAll(() => resetArena());

  it.each(['float32', 'float64'] as const)(
    'gives the lower triangle of alpha A A^T + beta C on strided layouts, ragged sizes and K chunks (%s)',
    (dtype) => {
      expect(getArena().fma).toBe(variant === 'fma');
      const s = stream(foldIn(key(4), dtype === 'float32' ? 32 : 64));
      const Arr = dtype === 'float32' ? Float32Array : Float64Array;
      const cases: [number, number][] = [
        [1, 1],
        [3, 7],
        [5, 2],
        [13, 9],
        [63, 31],
        [64, 5],
        [65, 33],
        [130, 17],
        [200, 12],
        [70, 1100],
      ];
      for (const [n, k] of cases)
        for (const layout of ['row', 'col'] as const)
          for (const beta of [0, 0.5]) {
            // A [n, k] in a buffer with one spare element per line; C [n, n] with a gap column.
            const a = new Arr(layout === 'row' ? n * (k + 1) : k * (n + 1));
            for (let i = 0; i < a.length; i++) a[i] = s.nextNormal();
            const [sa0, sa1] = layout === 'row' ? [k + 1, 1] : [1, n + 1];
            const ldc = n + 1;
            const c = new Arr(n * ldc);
            for (let i = 0; i < c.length; i++) c[i] = s.nextNormal();
            const before = c.slice();
            const alpha = 0.75;
            expect(syrkWasm(n, k, alpha, a, sa0, sa1, 0, beta, c, ldc, 1, 0)).toBe(true);
            for (let i = 0; i < n; i++) {
              for (let j = 0; j <= i; j++) {
                let want = 0;
                let mag = 0;
                for (let p = 0; p < k; p++) {
                  const v = a[i * sa0 + p * sa1] * a[j * sa0 + p * sa1];
                  want += v;
                  mag += Math.abs(v);
                }
                const old = before[i * ldc + j];
                want = alpha * want + beta * old;
                const tol = (k + 4) * EPS[dtype] * (alpha * mag + Math.abs(beta * old)) + 1e-300;
                const got = c[i * ldc + j];
                if (!(Math.abs(got - want) <= tol))
                  expect.fail(
                    `${dtype} n=${n} k=${k} ${layout} beta=${beta} C[${i}, ${j}] = ${got}, want ${want}`,
                  );
              }
              // The gap column is never written.
              expect(c[i * ldc + n]).toBe(before[i * ldc + n]);
            }
          }
    },
  );

  it('refuses mixed dtypes and k = 0, leaving C alone', () => {
    const c = new Float32Array(4).fill(7);
    expect(syrkWasm(2, 2, 1, new Float64Array(4), 2, 1, 0, 0, c, 2, 1, 0)).toBe(false);
    expect(syrkWasm(2, 0, 1, new Float32Array(0), 0, 1, 0, 0, c, 2, 1, 0)).toBe(false);
    expect([...c]).toEqual([7, 7, 7, 7]);
  });
});
