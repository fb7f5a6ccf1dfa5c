import { describe, expect, it } from 'vitest';
import {
  eighSymmetric,
  fromArray,
  key,
  type Matrix,
  normal,
  singularValues,
  split,
  svdThin,
  toArray,
  transpose,
} from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));
const maxDiff = (a: M, b: M) =>
  Math.max(0, ...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));
const eye = (n: number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
const fro = (a: M) => Math.hypot(...a.flat());

function check(a: Matrix, rtol = 1e-13) {
  const [m, n] = a.shape;
  const k = Math.min(m, n);
  const { u, s, v } = svdThin(a);
  expect([u.shape, s.shape, v.shape]).toEqual([[m, k], [k], [n, k]]);
  expect([u.dtype, s.dtype, v.dtype]).toEqual(['float64', 'float64', 'float64']);
  const U = toArray(u);
  const S = toArray(s);
  const V = toArray(v);
  const A = toArray(a);
  const scale = fro(A);
  if (k > 0) {
    expect(maxDiff(mul(tr(U), U), eye(k))).toBeLessThan(rtol * Math.max(m, 1));
    expect(maxDiff(mul(tr(V), V), eye(k))).toBeLessThan(rtol * Math.max(n, 1));
    const us = U.map((r) => r.map((x, j) => x * S[j]));
    expect(maxDiff(mul(us, tr(V)), A)).toBeLessThanOrEqual(rtol * scale * Math.max(m, n));
  }
  for (let j = 0; j < k; j++) {
    expect(S[j]).toBeGreaterThanOrEqual(0);
    if (j > 0) expect(S[j]).toBeLessThanOrEqual(S[j - 1]);
    const c = V.map((r) => r[j]);
    expect(c.reduce((b, x) => (Math.abs(x) > Math.abs(b) ? x : b), 0)).toBeGreaterThan(0);
  }
  expect(toArray(singularValues(a))).toEqual(
    S.map((x) => expect.closeTo(x, 14 - Math.log10(Math.max(1, ...S)))),
  );
  return { U, S, V };
}

describe('svdThin', () => {
  it('decomposes a small matrix as worked by hand', () => {
    const { U, S, V } = check(
      fromArray([
        [3, 0],
        [0, -4],
        [0, 0],
      ]),
    );
    expect(S).toEqual([4, 3]);
    expect(U).toEqual([
      [0, 1],
      [-1, 0],
      [0, 0],
    ]);
    expect(V).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it.each([
    [1, 1],
    [5, 1],
    [1, 5],
    [2, 2],
    [3, 3],
    [7, 3],
    [3, 7],
    [8, 8],
    [31, 17],
    [512, 8],
  ])('gives U^T U = I, V^T V = I, U S V^T = A for a Gaussian %i x %i', (m, n) => {
    check(normal(key(m * 1000 + n), [m, n]));
  });

  it('agrees with the eigenvalues of A^T A computed by two-sided Jacobi', () => {
    const A = toArray(normal(key(11), [20, 6]));
    const { S } = check(fromArray(A));
    const lam = toArray(eighSymmetric(fromArray(mul(tr(A), A))).values);
    S.forEach((x, j) => {
      expect(x * x).toBeCloseTo(lam[j], 11);
    });
  });

  it('keeps U and V orthonormal for rank-deficient input (zero singular values)', () => {
    const [k1, k2] = split(key(12));
    const A = mul(toArray(normal(k1, [9, 2])), toArray(normal(k2, [2, 6]))); // rank 2
    const { S } = check(fromArray(A));
    for (let j = 2; j < 6; j++) expect(S[j]).toBeLessThan(1e-14 * S[0]);
    // exact zeros: zero matrix, zero column, zero row, repeated column
    const z = check(
      fromArray([
        [0, 0, 0],
        [0, 0, 0],
      ]),
    );
    expect(z.S).toEqual([0, 0]);
    expect(
      check(
        fromArray([
          [1, 0],
          [2, 0],
          [2, 0],
        ]),
      ).S,
    ).toEqual([3, 0]);
    expect(
      check(
        fromArray([
          [1, 2, 2],
          [0, 0, 0],
        ]),
      ).S,
    ).toEqual([3, 0]);
    const rep = check(
      fromArray([
        [1, 1],
        [1, 1],
      ]),
    ).S;
    expect(rep[0]).toBeCloseTo(2, 15);
    expect(rep[1]).toBeLessThan(1e-15);
  });

  it('returns the sorted absolute diagonal of diagonal input', () => {
    const { S, U, V } = check(
      fromArray([
        [0.5, 0, 0],
        [0, -3, 0],
        [0, 0, 2],
        [0, 0, 0],
      ]),
    );
    expect(S).toEqual([3, 2, 0.5]);
    expect(V).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(U).toEqual([
      [0, 0, 1],
      [-1, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('works at extreme scales, on float32 input and on strided views', () => {
    const base = toArray(normal(key(13), [6, 4]));
    const ref = check(fromArray(base)).S;
    for (const c of [1e-200, 1e200]) {
      const { S } = check(fromArray(base.map((r) => r.map((x) => x * c))));
      S.forEach((x, j) => {
        expect(x / c).toBeCloseTo(ref[j], 13);
      });
    }
    const a32 = normal(key(14), [10, 4], { dtype: 'float32' });
    const before = Array.from(a32.data);
    check(a32);
    expect(Array.from(a32.data)).toEqual(before);
    const t = transpose(normal(key(15), [4, 10]));
    const { S } = check(t);
    expect(S).toEqual(check(fromArray(toArray(t))).S);
  });

  it('handles empty shapes', () => {
    const { u, s, v } = svdThin(fromArray([[], [], []]) as Matrix);
    expect([u.shape, s.shape, v.shape]).toEqual([[3, 0], [0], [0, 0]]);
  });

  it('refuses non-finite and non-matrix input and bad options, and reports non-convergence', () => {
    expect(() => svdThin(fromArray([[1, Number.NaN]]))).toThrow(
      /svdThin: a must have finite entries, got NaN at \[0, 1\]/,
    );
    expect(() => singularValues(fromArray([[Number.NEGATIVE_INFINITY]]))).toThrow(
      /singularValues: a must have finite entries, got -Infinity/,
    );
    expect(() => svdThin(fromArray([1, 2]) as unknown as Matrix)).toThrow(
      /svdThin: a must be a Matrix/,
    );
    expect(() => svdThin(fromArray([[1]]), { tol: 0 })).toThrow(
      /tol must be a finite number in \(0, 1\), got 0/,
    );
    expect(() =>
      svdThin(
        fromArray([
          [1, 2],
          [3, 4],
        ]),
        { maxSweeps: 0 },
      ),
    ).toThrow(/svdThin: one-sided Jacobi did not converge in 0 sweeps/);
  });
});
