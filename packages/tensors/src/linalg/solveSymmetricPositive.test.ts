import { describe, expect, it } from 'vitest';
import {
  fromArray,
  key,
  type Matrix,
  NotPositiveDefiniteError,
  normal,
  solveSymmetricPositive,
  split,
  toArray,
} from '../index.js';

type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const tr = (a: M): M => (a[0] ?? []).map((_, j) => a.map((r) => r[j]));

describe('solveSymmetricPositive', () => {
  it('solves a small system worked by hand', () => {
    expect(
      toArray(
        solveSymmetricPositive(
          fromArray([
            [4, 2],
            [2, 5],
          ]),
          fromArray([6, 7]),
        ),
      ),
    ).toEqual([1, 1]);
  });

  it('solves ridge regression: the gradient X^T (X w - y) + lambda w vanishes', () => {
    const [k1, k2] = split(key(21));
    const [n, d, lambda] = [200, 150, 0.1];
    const X = toArray(normal(k1, [n, d]));
    const y = toArray(normal(k2, [n, 1]));
    const gram = mul(tr(X), X).map((r, i) => r.map((x, j) => x + (i === j ? lambda : 0)));
    const rhs = mul(tr(X), y);
    const w = solveSymmetricPositive(fromArray(gram), fromArray(rhs));
    expect(w.shape).toEqual([d, 1]);
    const W = toArray(w);
    const resid = mul(X, W).map((r, i) => [r[0] - y[i][0]]);
    const grad = mul(tr(X), resid).map((r, i) => r[0] + lambda * W[i][0]);
    expect(Math.max(...grad.map(Math.abs))).toBeLessThan(1e-10);
  });

  it('accepts float32 input', () => {
    const a = fromArray(
      [
        [2, -1],
        [-1, 2],
      ],
      { dtype: 'float32' },
    );
    const x = solveSymmetricPositive(a, fromArray([1, 1], { dtype: 'float32' }));
    expect(x.dtype).toBe('float64');
    for (const v of toArray(x)) expect(v).toBeCloseTo(1, 15);
  });

  it('throws with its own name for bad shapes, non-definite or non-finite input', () => {
    const op = /^solveSymmetricPositive: /;
    expect(() =>
      solveSymmetricPositive(
        fromArray([
          [1, 2],
          [2, 1],
        ]),
        fromArray([1, 1]),
      ),
    ).toThrow(NotPositiveDefiniteError);
    expect(() =>
      solveSymmetricPositive(
        fromArray([
          [1, 2],
          [2, 1],
        ]),
        fromArray([1, 1]),
      ),
    ).toThrow(op);
    expect(() => solveSymmetricPositive(fromArray([[1, 2]]), fromArray([1]))).toThrow(
      /solveSymmetricPositive: a must be square, got shape \[1, 2\]/,
    );
    expect(() => solveSymmetricPositive(fromArray([[1]]), fromArray([1, 2]))).toThrow(
      /solveSymmetricPositive: b has shape \[2\], expected \[1\]/,
    );
    expect(() => solveSymmetricPositive(fromArray([[Number.NaN]]), fromArray([1]))).toThrow(op);
    expect(() =>
      solveSymmetricPositive(fromArray([1]) as unknown as Matrix, fromArray([1])),
    ).toThrow(RangeError);
  });
});
