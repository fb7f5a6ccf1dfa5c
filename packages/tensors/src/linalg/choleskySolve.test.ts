import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySolve,
  fromArray,
  key,
  type Matrix,
  normal,
  split,
  toArray,
  transpose,
  type Vector,
} from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));
const maxDiff = (a: M, b: M) =>
  Math.max(0, ...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));

function spd(seed: number, n: number): M {
  const g = toArray(normal(key(seed), [n, n]));
  return mul(g, tr(g)).map((r, i) => r.map((x, j) => x + (i === j ? n : 0)));
}

describe('choleskySolve', () => {
  it('solves a small system worked by hand', () => {
    const l = cholesky(
      fromArray([
        [4, 2],
        [2, 5],
      ]),
    );
    expect(toArray(choleskySolve(l, fromArray([6, 7])))).toEqual([1, 1]);
  });

  it.each([1, 4, 25, 120])(
    'recovers a known solution for a vector right-hand side, order %i',
    (n) => {
      const [k1, k2] = split(key(n));
      const A = spd(n, n);
      const xTrue = toArray(normal(k2, [n, 1]));
      const b = mul(A, xTrue).map((r) => r[0]);
      const x = choleskySolve(cholesky(fromArray(A)), fromArray(b));
      expect(x.shape).toEqual([n]);
      expect(x.dtype).toBe('float64');
      const X = toArray(x).map((v) => [v]);
      // residual A x - b, and (A is well conditioned) the error itself
      expect(
        maxDiff(
          mul(A, X),
          b.map((v) => [v]),
        ),
      ).toBeLessThan(1e-12 * n);
      expect(maxDiff(X, xTrue)).toBeLessThan(1e-12);
      expect(k1).toBeDefined();
    },
  );

  it('solves for several right-hand sides at once, column by column', () => {
    const [k1] = split(key(7));
    const A = spd(8, 9);
    const l = cholesky(fromArray(A));
    const b = normal(k1, [9, 4]);
    const x = choleskySolve(l, b);
    expect(x.shape).toEqual([9, 4]);
    expect(maxDiff(mul(A, toArray(x)), toArray(b))).toBeLessThan(1e-12);
    const B = toArray(b);
    for (let c = 0; c < 4; c++) {
      const xc = toArray(choleskySolve(l, fromArray(B.map((r) => r[c]))));
      expect(xc).toEqual(toArray(x).map((r) => r[c]));
    }
  });

  it('accepts float32 and strided inputs without modifying them', () => {
    const A = spd(9, 5);
    const l32 = fromArray(toArray(cholesky(fromArray(A))), { dtype: 'float32' });
    const b = transpose(normal(key(10), [2, 5], { dtype: 'float32' })); // [5, 2] strided view
    const before = Array.from(b.data);
    const x = choleskySolve(l32, b);
    const L = toArray(l32);
    expect(maxDiff(mul(mul(L, tr(L)), toArray(x)), toArray(b))).toBeLessThan(1e-12);
    expect(Array.from(b.data)).toEqual(before);
  });

  it('refuses a factor that is not lower triangular with a positive diagonal, and bad b', () => {
    const A = fromArray([
      [4, 2],
      [2, 5],
    ]);
    const l = cholesky(A);
    expect(() => choleskySolve(A, fromArray([1, 1]))).toThrow(
      /choleskySolve: l must be lower triangular, got l\[0, 1\] = 2; pass cholesky\(a\), not a/,
    );
    expect(() =>
      choleskySolve(
        fromArray([
          [1, 0],
          [1, 0],
        ]),
        fromArray([1, 1]),
      ),
    ).toThrow(/l must have a positive diagonal, got l\[1, 1\] = 0/);
    expect(() => choleskySolve(fromArray([[1, 0]]), fromArray([1]))).toThrow(/l must be square/);
    expect(() => choleskySolve(l, fromArray([1, 2, 3]))).toThrow(
      /choleskySolve: b has shape \[3\], expected \[2\]/,
    );
    expect(() => choleskySolve(l, fromArray([[1], [2], [3]]))).toThrow(
      /expected \[2\] or \[2, k\]/,
    );
    expect(() => choleskySolve(l, fromArray([1, Number.NaN]))).toThrow(
      /b must have finite entries, got NaN/,
    );
    expect(() => choleskySolve(l, [1, 2] as unknown as Vector)).toThrow(
      /choleskySolve: b must be a Tensor/,
    );
    expect(() => choleskySolve({} as Matrix, fromArray([1]))).toThrow(TypeError);
  });
});
