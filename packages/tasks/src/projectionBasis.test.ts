import {
  copy,
  copyInto,
  key,
  type Matrix,
  matmul,
  normal,
  row,
  toArray,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { groundTruth, projectionBasis } from './index.js';

const maxAbsDiff = (a: Matrix, b: Matrix) => {
  const x = toArray(a).flat();
  const y = toArray(b).flat();
  return Math.max(...x.map((v, i) => Math.abs(v - y[i])));
};
const identityError = (b: Matrix) => {
  const g = toArray(matmul(b, b, { transB: true }));
  return Math.max(...g.flatMap((r, i) => r.map((v, j) => Math.abs(v - (i === j ? 1 : 0)))));
};

describe('projectionBasis', () => {
  it('gives k = m + r orthonormal rows in which w and M are reproduced (float32 w too)', () => {
    const gt = groundTruth(key(0), { d: 40, r: 3 });
    for (const dtype of ['float64', 'float32'] as const) {
      const w = normal(key(1), [7, 40] as const, { dtype });
      const b = projectionBasis(gt, w);
      expect(b.k).toBe(10);
      expect(b.complete).toBe(false);
      expect(b.basis.shape).toEqual([10, 40]);
      expect(b.wInBasis.shape).toEqual([7, 10]);
      expect(b.mInBasis.shape).toEqual([3, 10]);
      // Tolerances: float64 rounding of products of size 40 (measured about 1e-15).
      expect(identityError(b.basis)).toBeLessThan(1e-12);
      expect(maxAbsDiff(matmul(b.wInBasis, b.basis), w)).toBeLessThan(1e-12);
      expect(maxAbsDiff(matmul(b.mInBasis, b.basis), gt.m)).toBeLessThan(1e-12);
    }
  });

  it('still spans w and M when rows of w are dependent (the rank-deficient path)', () => {
    const gt = groundTruth(key(2), { d: 30, r: 2 });
    const w = normal(key(3), [5, 30] as const);
    // Row 4 = row 1 and row 3 = a row of M: A = [w; M] has rank 5 < 7.
    copyInto(row(w, 4), row(w, 1));
    copyInto(row(w, 3), row(gt.m, 0));
    const b = projectionBasis(gt, w);
    expect(b.k).toBe(7);
    expect(identityError(b.basis)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(b.wInBasis, b.basis), w)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(b.mInBasis, b.basis), gt.m)).toBeLessThan(1e-12);
  });

  it('stays orthonormal for nearly dependent rows (condition number about 1e5: two passes)', () => {
    // One CholeskyQR pass would leave an orthogonality error of about 1e-16 * 1e10 = 1e-6.
    const gt = groundTruth(key(9), { d: 50, r: 2 });
    const w = normal(key(10), [6, 50] as const);
    const tiny = normal(key(11), [50] as const);
    for (let j = 0; j < 50; j++) w.data[5 * 50 + j] = w.data[50 + j] + 1e-5 * tiny.data[j];
    const b = projectionBasis(gt, w);
    expect(identityError(b.basis)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(b.wInBasis, b.basis), w)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(b.mInBasis, b.basis), gt.m)).toBeLessThan(1e-12);
  });

  it('writes B into opts.basis, the same bits as a fresh matrix, on all three paths', () => {
    const gt = groundTruth(key(9), { d: 50, r: 2 });
    const easy = normal(key(10), [6, 50] as const);
    const hard = copy(easy);
    const tiny = normal(key(11), [50] as const);
    for (let j = 0; j < 50; j++) hard.data[5 * 50 + j] = hard.data[50 + j] + 1e-5 * tiny.data[j];
    const dependent = copy(easy);
    copyInto(row(dependent, 4), row(dependent, 1));
    for (const w of [easy, hard, dependent]) {
      const into = zeros([8, 50] as const);
      into.data.fill(Number.NaN);
      const fresh = projectionBasis(gt, w);
      const reused = projectionBasis(gt, w, { basis: into });
      expect(reused.basis).toBe(into);
      expect([...into.data]).toEqual([...fresh.basis.data]);
      expect(toArray(reused.wInBasis)).toEqual(toArray(fresh.wInBasis));
      expect(toArray(reused.mInBasis)).toEqual(toArray(fresh.mInBasis));
    }
    expect(() => projectionBasis(gt, easy, { basis: zeros([8, 49] as const) })).toThrow(
      /projectionBasis/,
    );
    expect(() =>
      projectionBasis(gt, easy, { basis: zeros([8, 50] as const, { dtype: 'float32' }) as never }),
    ).toThrow(/contiguous float64/);
  });

  it('is the identity when m + r >= d', () => {
    const gt = groundTruth(key(4), { d: 6, r: 2 });
    const w = normal(key(5), [4, 6] as const);
    const b = projectionBasis(gt, w);
    expect(b.complete).toBe(true);
    expect(b.k).toBe(6);
    expect(identityError(b.basis)).toBe(0);
    expect(toArray(b.wInBasis)).toEqual(toArray(w));
    expect(toArray(b.mInBasis)).toEqual(toArray(gt.m));
  });

  it('refuses a w with the wrong number of columns or a non-finite entry', () => {
    const gt = groundTruth(key(6), { d: 10, r: 2 });
    expect(() => projectionBasis(gt, normal(key(7), [3, 9] as const))).toThrow(
      /projectionBasis: w has shape \[3, 9\], expected 10 columns/,
    );
    const w = normal(key(8), [3, 10] as const);
    w.data[4] = Number.NaN;
    expect(() => projectionBasis(gt, w)).toThrow(/w has a non-finite entry: w\[0, 4\] = NaN/);
  });
});
