import { describe, expect, it } from 'vitest';
import {
  DTYPES,
  foldIn,
  gemmInto,
  key,
  normal,
  sliceCols,
  sliceRows,
  split,
  syrkInto,
  toArray,
  transpose,
  zeros,
} from './index.js';

describe.each(DTYPES)('syrkInto (%s)', (dtype) => {
  const atol = dtype === 'float32' ? 1e-4 : 1e-11;

  for (const backend of ['js', 'wasm']) {
    it(`matches gemm on strided views, both orientations, with alpha and beta (${backend})`, () => {
      for (const [t, [n, k]] of [
        [0, [1, 1]],
        [1, [5, 17]],
        [2, [33, 4]],
        [3, [70, 129]],
        [4, [256, 40]],
        [5, [20, 1100]],
      ] as const) {
        const [ka, kc] = split(foldIn(key(5), t), 2);
        // A [n, k] as a view with gaps; C a column slice of a wider matrix, symmetric.
        const aBig = normal(ka, [n + 2, k + 3], { dtype });
        const a = sliceCols(sliceRows(aBig, 1, n + 1), 2, k + 2);
        const s = normal(kc, [n, n], { dtype });
        const cBig = zeros([n, n + 3] as const, { dtype });
        const c0 = sliceCols(cBig, 1, n + 1);
        gemmInto(c0, s, s, { transB: true });
        for (const trans of [false, true]) {
          const op = trans ? transpose(a) : a; // syrk's A: [n, k], or [k, n] with trans
          const want = zeros([n, n] as const, { dtype });
          gemmInto(want, a, a, { transB: true, alpha: 0.5 });
          const base = toArray(c0);
          const got = zeros([n, n + 3] as const, { dtype });
          const c = sliceCols(got, 1, n + 1);
          gemmInto(c, s, s, { transB: true });
          syrkInto(c, op, { trans, alpha: 0.5, beta: -2, backend });
          const w = toArray(want);
          const g = toArray(c);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              const expected = w[i][j] - 2 * base[i][j];
              const tol = atol * (1 + Math.abs(expected));
              if (!(Math.abs(g[i][j] - expected) <= tol))
                expect.fail(`n=${n} k=${k} trans=${trans} [${i}, ${j}]: ${g[i][j]} vs ${expected}`);
              expect(g[i][j]).toBe(g[j][i]);
            }
          // The columns outside the view are untouched.
          for (let i = 0; i < n; i++) {
            expect(got.data[i * (n + 3)]).toBe(0);
            expect(got.data[i * (n + 3) + n + 1]).toBe(0);
          }
        }
      }
    });
  }

  it('overwrites C with beta = 0 (NaN there included)', () => {
    const a = normal(key(9), [40, 7], { dtype });
    const c = zeros([40, 40] as const, { dtype });
    c.data.fill(Number.NaN);
    syrkInto(c, a);
    const want = zeros([40, 40] as const, { dtype });
    gemmInto(want, a, a, { transB: true });
    const g = toArray(c);
    const w = toArray(want);
    for (let i = 0; i < 40; i++)
      for (let j = 0; j < 40; j++)
        expect(Math.abs(g[i][j] - w[i][j])).toBeLessThanOrEqual(atol * 10);
  });

  it('refuses a C of the wrong shape or dtype', () => {
    const a = normal(key(1), [6, 3], { dtype });
    expect(() => syrkInto(zeros([6, 5] as const, { dtype }), a)).toThrow(/syrk: c has shape/);
    expect(() => syrkInto(zeros([6, 6] as const, { dtype }), a, { trans: true })).toThrow(
      /expected \[3, 3\]/,
    );
    const other = dtype === 'float32' ? 'float64' : 'float32';
    expect(() => syrkInto(zeros([6, 6] as const, { dtype: other }), a)).toThrow(/dtype/);
  });
});
