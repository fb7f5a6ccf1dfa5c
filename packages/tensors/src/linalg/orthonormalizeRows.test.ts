import { describe, expect, it } from 'vitest';
import { fromArray, key, type Matrix, normal, orthonormalizeRows, toArray } from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));
const maxDiff = (a: M, b: M) =>
  Math.max(0, ...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));
const eye = (n: number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));

describe('orthonormalizeRows', () => {
  it('matches Gram-Schmidt worked by hand', () => {
    const m = toArray(
      orthonormalizeRows(
        fromArray([
          [3, 4, 0],
          [3, 4, 1],
        ]),
      ),
    );
    expect(
      maxDiff(m, [
        [0.6, 0.8, 0],
        [0, 0, 1],
      ]),
    ).toBeLessThan(1e-15);
  });

  it.each([
    [1, 1],
    [1, 7],
    [3, 3],
    [2, 50],
    [8, 2048],
  ])('gives M M^T = I spanning the rows of a Gaussian %i x %i, in Gram-Schmidt order', (r, d) => {
    const a = normal(key(r * 10_000 + d), [r, d], { dtype: r === 8 ? 'float32' : 'float64' });
    const m = orthonormalizeRows(a);
    expect(m.shape).toEqual([r, d]);
    expect(m.dtype).toBe('float64');
    const A = toArray(a);
    const Mt = toArray(m);
    expect(maxDiff(mul(Mt, tr(Mt)), eye(r))).toBeLessThan(1e-13);
    // Coefficients C = A M^T: A = C M (same row space) and C is lower triangular with a positive
    // diagonal (row i of M uses only rows 0..i of A).
    const C = mul(A, tr(Mt));
    const scale = Math.sqrt(A.flat().reduce((s, x) => s + x * x, 0));
    expect(maxDiff(mul(C, Mt), A)).toBeLessThan(1e-13 * scale);
    for (let i = 0; i < r; i++) {
      expect(C[i][i]).toBeGreaterThan(0);
      for (let j = i + 1; j < r; j++) expect(Math.abs(C[i][j])).toBeLessThan(1e-13 * scale);
    }
  });

  it('refuses more rows than columns, dependent rows and non-finite entries', () => {
    expect(() => orthonormalizeRows(fromArray([[1], [2]]))).toThrow(
      /orthonormalizeRows: a must have at most as many rows as columns, got shape \[2, 1\]/,
    );
    expect(() =>
      orthonormalizeRows(
        fromArray([
          [1, 2, 3],
          [2, 4, 6],
        ]),
      ),
    ).toThrow(/linearly dependent: row 1 lies in the span of rows 0..0/);
    expect(() => orthonormalizeRows(fromArray([[0, 0, 0]]))).toThrow(/row 0/);
    expect(() => orthonormalizeRows(fromArray([[1, Number.NaN]]))).toThrow(
      /finite entries, got NaN/,
    );
    expect(() => orthonormalizeRows(fromArray([1, 2]) as unknown as Matrix)).toThrow(RangeError);
  });
});
