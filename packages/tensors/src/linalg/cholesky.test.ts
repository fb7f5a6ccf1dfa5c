import { describe, expect, it } from 'vitest';
import {
  cholesky,
  fromArray,
  key,
  type Matrix,
  NotPositiveDefiniteError,
  normal,
  toArray,
} from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));
const maxDiff = (a: M, b: M) =>
  Math.max(0, ...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));

/** G G^T + ridge I for a Gaussian G: symmetric positive definite. */
function spd(seed: number, n: number, ridge = 1): M {
  const g = toArray(normal(key(seed), [n, n]));
  return mul(g, tr(g)).map((r, i) => r.map((x, j) => x + (i === j ? ridge : 0)));
}

function check(A: M, a: Matrix = fromArray(A), rtol = 1e-14) {
  const n = A.length;
  const l = cholesky(a);
  expect(l.shape).toEqual([n, n]);
  expect(l.dtype).toBe('float64');
  const L = toArray(l);
  for (let i = 0; i < n; i++) {
    expect(L[i][i]).toBeGreaterThan(0);
    for (let j = i + 1; j < n; j++) expect(L[i][j]).toBe(0);
  }
  const scale = Math.max(...A.map((r, i) => r[i]));
  expect(maxDiff(mul(L, tr(L)), A)).toBeLessThan(rtol * scale * Math.max(1, n));
  return L;
}

describe('cholesky', () => {
  it('factors a small matrix as worked by hand', () => {
    expect(
      check([
        [4, 2],
        [2, 5],
      ]),
    ).toEqual([
      [2, 0],
      [1, 2],
    ]);
    expect(check([[9]])).toEqual([[3]]);
  });

  it.each([1, 2, 5, 17, 60])(
    'gives L L^T = A with L lower triangular for a random SPD matrix of order %i',
    (n) => {
      check(spd(n, n));
    },
  );

  it('accepts float32 input (factoring its float64 value) and leaves it unchanged', () => {
    const A = spd(3, 6);
    const a32 = fromArray(A, { dtype: 'float32' });
    const before = Array.from(a32.data);
    check(toArray(a32), a32);
    expect(Array.from(a32.data)).toEqual(before);
  });

  it('names the failing pivot of a matrix that is not positive definite', () => {
    const indefinite = () =>
      cholesky(
        fromArray([
          [1, 2],
          [2, 1],
        ]),
      );
    expect(indefinite).toThrow(NotPositiveDefiniteError);
    expect(indefinite).toThrow(RangeError);
    expect(indefinite).toThrow(/cholesky: matrix is not positive definite: pivot 1 is -3\.000e\+0/);
    try {
      indefinite();
    } catch (e) {
      expect((e as NotPositiveDefiniteError).pivot).toBe(1);
      expect((e as NotPositiveDefiniteError).value).toBeCloseTo(-3, 14);
    }
    expect(() => cholesky(fromArray([[-1]]))).toThrow(/pivot 0/);
    expect(() =>
      cholesky(
        fromArray([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/pivot 0/);
    // Rank 3 Gram matrix of order 6: semi-definite, singular to working precision at pivot 3.
    const x = toArray(normal(key(4), [3, 6]));
    expect(() => cholesky(fromArray(mul(tr(x), x)))).toThrow(/pivot 3/);
  });

  it('refuses non-square, non-symmetric and non-finite input', () => {
    expect(() => cholesky(fromArray([[1, 0]]))).toThrow(
      /cholesky: a must be square, got shape \[1, 2\]/,
    );
    expect(() =>
      cholesky(
        fromArray([
          [2, 1],
          [0, 2],
        ]),
      ),
    ).toThrow(/cholesky: a must be symmetric/);
    expect(() =>
      cholesky(
        fromArray([
          [1, Number.NaN],
          [Number.NaN, 1],
        ]),
      ),
    ).toThrow(/cholesky: a must have finite entries, got NaN at \[0, 1\]/);
    expect(() => cholesky(fromArray([1]) as unknown as Matrix)).toThrow(RangeError);
  });
});
