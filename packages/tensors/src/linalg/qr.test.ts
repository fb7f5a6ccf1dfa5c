import { describe, expect, it } from 'vitest';
import {
  cholesky,
  fromArray,
  key,
  type Matrix,
  normal,
  qr,
  split,
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
const fro = (a: M) => Math.sqrt(a.flat().reduce((s, x) => s + x * x, 0));

function checkQr(a: Matrix, rtol = 1e-13) {
  const [m, n] = a.shape;
  const { q, r } = qr(a);
  expect(q.shape).toEqual([m, n]);
  expect(r.shape).toEqual([n, n]);
  expect(q.dtype).toBe('float64');
  const Q = toArray(q);
  const R = toArray(r);
  const A = toArray(a);
  if (n > 0) expect(maxDiff(mul(tr(Q), Q), eye(n))).toBeLessThan(rtol * Math.max(1, m));
  if (n > 0) expect(maxDiff(mul(Q, R), A)).toBeLessThan(rtol * Math.max(1, fro(A)));
  for (let i = 0; i < n; i++) {
    expect(R[i][i]).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < i; j++) expect(R[i][j]).toBe(0);
  }
  return { Q, R };
}

describe('qr', () => {
  it('factors a small matrix exactly as worked by hand', () => {
    const { Q, R } = checkQr(
      fromArray([
        [3, 0],
        [4, 5],
        [0, 0],
      ]),
    );
    expect(
      maxDiff(R, [
        [5, 4],
        [0, 3],
      ]),
    ).toBeLessThan(1e-15);
    expect(
      maxDiff(Q, [
        [0.6, -0.8],
        [0.8, 0.6],
        [0, 0],
      ]),
    ).toBeLessThan(1e-15);
  });

  it.each([
    [1, 1],
    [5, 1],
    [7, 3],
    [10, 10],
    [33, 17],
    [2048, 8],
  ])(
    'gives Q^T Q = I, QR = A and upper-triangular R with R_ii >= 0 for a Gaussian %i x %i',
    (m, n) => {
      checkQr(normal(key(m * 100 + n), [m, n]));
    },
  );

  it('is unique: R equals the transposed Cholesky factor of A^T A', () => {
    const a = normal(key(1), [40, 6]);
    const { R } = checkQr(a);
    const A = toArray(a);
    const l = toArray(cholesky(fromArray(mul(tr(A), A))));
    expect(maxDiff(R, tr(l))).toBeLessThan(1e-11);
  });

  it('flips signs so the diagonal is non-negative', () => {
    const { R, Q } = checkQr(
      fromArray([
        [-2, 1],
        [0, -3],
      ]),
    );
    expect(R).toEqual([
      [2, -1],
      [0, 3],
    ]);
    expect(Q).toEqual([
      [-1, 0],
      [0, -1],
    ]);
  });

  it('keeps Q orthonormal and QR = A for rank-deficient input', () => {
    const [k1, k2] = split(key(2));
    const x = toArray(normal(k1, [9, 2]));
    const y = toArray(normal(k2, [2, 5]));
    const a = mul(x, y); // rank 2
    a.forEach((row) => {
      row[4] = 0;
    }); // and a zero column
    const { R } = checkQr(fromArray(a));
    expect(Math.abs(R[4][4])).toBeLessThan(1e-13);
    checkQr(
      fromArray([
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    );
  });

  it('accepts float32 input and strided views, returning float64 without touching the input', () => {
    const a32 = normal(key(3), [12, 5], { dtype: 'float32' });
    const before = Array.from(a32.data);
    checkQr(a32, 1e-13);
    expect(Array.from(a32.data)).toEqual(before);
    checkQr(transpose(normal(key(4), [4, 9]))); // column-major view
  });

  it('handles empty shapes', () => {
    const { q, r } = qr(fromArray([[], []]) as Matrix);
    expect(q.shape).toEqual([2, 0]);
    expect(r.shape).toEqual([0, 0]);
  });

  it('refuses wide, non-finite and non-matrix input with a clear message', () => {
    expect(() => qr(fromArray([[1, 2, 3]]))).toThrow(/qr: a must be tall.*\[1, 3\]/);
    expect(() => qr(fromArray([[1], [Number.NaN]]))).toThrow(
      /qr: a must have finite entries, got NaN at \[1, 0\]/,
    );
    expect(() => qr(fromArray([[Number.POSITIVE_INFINITY]]))).toThrow(/Infinity/);
    expect(() => qr(fromArray([1, 2]) as unknown as Matrix)).toThrow(/qr: a must be a Matrix/);
    expect(() => qr({} as Matrix)).toThrow(TypeError);
  });
});
