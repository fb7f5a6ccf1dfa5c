import { describe, expect, it } from 'vitest';
import { eighSymmetric, fromArray, key, type Matrix, normal, split, toArray } from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));
const maxDiff = (a: M, b: M) =>
  Math.max(0, ...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));
const eye = (n: number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
const fro = (a: M) => Math.sqrt(a.flat().reduce((s, x) => s + x * x, 0));

function symmetric(seed: number, n: number): M {
  const g = toArray(normal(key(seed), [n, n]));
  return g.map((r, i) => r.map((x, j) => x + g[j][i]));
}

function check(A: M, a: Matrix = fromArray(A), atol = 1e-13) {
  const n = A.length;
  const { values, vectors } = eighSymmetric(a);
  expect(values.shape).toEqual([n]);
  expect(vectors.shape).toEqual([n, n]);
  const lam = toArray(values);
  const V = toArray(vectors);
  const scale = Math.max(1, fro(A));
  // A V = V diag(values), V^T V = I, values descending
  expect(
    maxDiff(
      mul(A, V),
      V.map((r) => r.map((x, j) => x * lam[j])),
    ),
  ).toBeLessThan(atol * scale);
  expect(maxDiff(mul(tr(V), V), eye(n))).toBeLessThan(atol * Math.max(1, n));
  for (let j = 1; j < n; j++) expect(lam[j]).toBeLessThanOrEqual(lam[j - 1]);
  // Invariants: trace and Frobenius norm
  const trace = A.reduce((s, r, i) => s + r[i], 0);
  expect(Math.abs(lam.reduce((s, x) => s + x, 0) - trace)).toBeLessThan(atol * scale * n);
  expect(Math.abs(Math.hypot(...lam) - fro(A))).toBeLessThan(atol * scale * n);
  // Sign convention: each column's largest-magnitude entry is positive.
  for (let j = 0; j < n; j++) {
    const c = V.map((r) => r[j]);
    const big = c.reduce((b, x) => (Math.abs(x) > Math.abs(b) ? x : b), 0);
    expect(big).toBeGreaterThan(0);
  }
  return { lam, V };
}

describe('eighSymmetric', () => {
  it('matches the closed form of a 2 x 2 matrix', () => {
    const { lam, V } = check([
      [2, 1],
      [1, 2],
    ]);
    expect(lam[0]).toBeCloseTo(3, 14);
    expect(lam[1]).toBeCloseTo(1, 14);
    const h = Math.SQRT1_2;
    expect(
      maxDiff(V, [
        [h, h],
        [h, -h],
      ]),
    ).toBeLessThan(1e-15);
    const [a, b, c] = [0.3, -1.7, 5.2];
    const mid = (a + c) / 2;
    const rad = Math.hypot((a - c) / 2, b);
    const r = check([
      [a, b],
      [b, c],
    ]);
    expect(r.lam[0]).toBeCloseTo(mid + rad, 13);
    expect(r.lam[1]).toBeCloseTo(mid - rad, 13);
  });

  it.each([1, 2, 3, 7, 20, 60])('diagonalises a random symmetric matrix of order %i', (n) => {
    check(symmetric(n, n));
  });

  it('handles rank-deficient PSD input (zero eigenvalues) and repeated eigenvalues', () => {
    const x = toArray(normal(key(5), [3, 10]));
    const gram = mul(tr(x), x); // 10 x 10, rank 3
    const { lam } = check(gram);
    for (let j = 3; j < 10; j++) expect(Math.abs(lam[j])).toBeLessThan(1e-13 * fro(gram));
    const { lam: ones, V } = check(eye(4));
    expect(ones).toEqual([1, 1, 1, 1]);
    expect(V).toEqual(eye(4));
  });

  it('sorts an already-diagonal matrix without rotating it', () => {
    const { lam, V } = check([
      [1, 0, 0],
      [0, -2, 0],
      [0, 0, 5],
    ]);
    expect(lam).toEqual([5, 1, -2]);
    expect(V).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });

  it('works at extreme scales', () => {
    for (const s of [1e-150, 1e150]) {
      const A = symmetric(7, 6).map((r) => r.map((x) => x * s));
      const { lam } = check(A, fromArray(A), 1e-13);
      const ref = check(symmetric(7, 6)).lam;
      lam.forEach((x, j) => {
        expect(x / s).toBeCloseTo(ref[j], 12);
      });
    }
  });

  it('accepts float32 input whose float32 product is not exactly symmetric', () => {
    const [k1] = split(key(9));
    const g = normal(k1, [30, 8], { dtype: 'float32' });
    const G = toArray(g);
    // A float32 Gram matrix accumulated in two orders: symmetric only to float32 rounding.
    const A = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => {
        let s = Math.fround(0);
        for (let t = 0; t < 30; t++) {
          const k = i <= j ? t : 29 - t;
          s = Math.fround(s + Math.fround(G[k][i] * G[k][j]));
        }
        return s;
      }),
    );
    const a32 = fromArray(A, { dtype: 'float32' });
    expect(maxDiff(A, tr(A))).toBeGreaterThan(0);
    const { values, vectors } = eighSymmetric(a32);
    expect(values.dtype).toBe('float64');
    const lam = toArray(values);
    const V = toArray(vectors);
    const sym = A.map((r, i) => r.map((x, j) => (x + A[j][i]) / 2));
    const vl = V.map((r) => r.map((x, j) => x * lam[j]));
    expect(maxDiff(mul(sym, V), vl)).toBeLessThan(1e-13 * fro(sym));
  });

  it('refuses non-square, non-symmetric and non-finite input, and reports non-convergence', () => {
    expect(() => eighSymmetric(fromArray([[1, 2, 3]]))).toThrow(
      /eighSymmetric: a must be square, got shape \[1, 3\]/,
    );
    expect(() =>
      eighSymmetric(
        fromArray([
          [1, 2],
          [2.001, 1],
        ]),
      ),
    ).toThrow(/eighSymmetric: a must be symmetric.*a\[0, 1\]/);
    expect(() =>
      eighSymmetric(
        fromArray([
          [1, 2],
          [2.001, 1],
        ]),
        { symmetryTol: 1e-3 },
      ),
    ).not.toThrow();
    expect(() => eighSymmetric(fromArray([[Number.NaN]]))).toThrow(
      /finite entries, got NaN at \[0, 0\]/,
    );
    expect(() =>
      eighSymmetric(
        fromArray([
          [1, 2],
          [2, 1],
        ]),
        { maxSweeps: 0 },
      ),
    ).toThrow(/did not converge in 0 sweeps/);
    expect(() =>
      eighSymmetric(
        fromArray([
          [1, 0],
          [0, 1],
        ]),
        { maxSweeps: 0 },
      ),
    ).not.toThrow();
    expect(() => eighSymmetric(fromArray([[1]]), { tol: -1 })).toThrow(
      /tol must be a finite number in \[0, 1\), got -1/,
    );
    expect(() => eighSymmetric(fromArray([[1]]), { maxSweeps: 1.5 })).toThrow(/maxSweeps/);
    expect(() => eighSymmetric(fromArray([1]) as unknown as Matrix)).toThrow(RangeError);
  });
});
