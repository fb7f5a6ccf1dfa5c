import { key, type Matrix, matmul, normal, sliceRows, toArray, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  drawTask,
  groundTruth,
  type InputDistribution,
  mixtureDistribution,
  projectionBasis,
  sampleTask,
  sampleTaskProjected,
  sampleTaskProjectedInto,
} from './index.js';

const mixture = mixtureDistribution(key(9), { r: 2, k: 3, centreStd: 2, noiseStd: 0.7 });

// Column means and the covariance matrix of the rows of x.
function moments(x: Matrix): { mean: number[]; cov: number[][] } {
  const rows = toArray(x);
  const n = rows.length;
  const k = rows[0].length;
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const cov = mean.map((mi, i) =>
    mean.map((mj, j) => rows.reduce((s, r) => s + (r[i] - mi) * (r[j] - mj), 0) / (n - 1)),
  );
  return { mean, cov };
}

describe('sampleTaskProjected', () => {
  it('draws the batch of sampleTask bit for bit when the basis is the identity (m + r >= d)', () => {
    const gt = groundTruth(key(0), { d: 5, r: 2 });
    const b = projectionBasis(gt, normal(key(1), [3, 5] as const));
    expect(b.complete).toBe(true);
    for (const dist of [{ kind: 'gaussian' }, mixture] as InputDistribution[]) {
      const task = drawTask(key(2), { kind: 'halfspace', noise: 0.2 }, gt);
      const want = sampleTask(key(3), task, gt, dist, 50);
      const got = sampleTaskProjected(key(3), task, b.mInBasis, dist, 50);
      expect(Array.from(got.u.data)).toEqual(Array.from(want.x.data));
      expect(Array.from(got.y.data)).toEqual(Array.from(want.y.data));
    }
  });

  it('has the law of (B x, y): mean, covariance and label rate of mixture inputs (k = 6 < d = 24)', () => {
    // n = 20,000 draws each way. The entries of u have variance up to about 5, so a mean has a
    // standard error of at most 0.016 per sampler and a covariance entry of about 0.05: the
    // tolerances (0.08 and 0.25) are about 4-5 standard errors of the difference.
    const gt = groundTruth(key(4), { d: 24, r: 2 });
    const b = projectionBasis(gt, normal(key(5), [4, 24] as const));
    const task = drawTask(key(6), { kind: 'halfspace', noise: 0.1 }, gt);
    const n = 20_000;
    const explicit = sampleTask(key(7), task, gt, mixture, n);
    const bx = matmul(explicit.x, b.basis, { transB: true });
    const projected = sampleTaskProjected(key(8), task, b.mInBasis, mixture, n);
    const e = moments(bx);
    const p = moments(projected.u);
    for (let i = 0; i < 6; i++) {
      expect(Math.abs(p.mean[i] - e.mean[i])).toBeLessThan(0.08);
      for (let j = 0; j < 6; j++) expect(Math.abs(p.cov[i][j] - e.cov[i][j])).toBeLessThan(0.25);
    }
    // The same labelling of z = M x: labels of the two agree in rate within 5 binomial s.e.
    const rate = (y: Float64Array) => y.reduce((s, v) => s + (v > 0 ? 1 : 0), 0) / n;
    const pe = rate(explicit.y.data);
    expect(Math.abs(rate(projected.y.data) - pe)).toBeLessThan(
      5 * Math.sqrt((2 * pe * (1 - pe)) / n),
    );
    // z is u (M B^T)^T, and equals M x for x = B^T u.
    const z = matmul(matmul(projected.u, b.basis), gt.m, { transB: true });
    const zr = toArray(z).flat();
    for (const [i, v] of toArray(projected.z).flat().entries()) expect(v).toBeCloseTo(zr[i], 10);
  });

  it('writes the same batch into buffers, in float32 too', () => {
    const gt = groundTruth(key(10), { d: 30, r: 3 });
    const b = projectionBasis(gt, normal(key(11), [5, 30] as const));
    const task = drawTask(key(12), { kind: 'teacher', noise: 0.2 }, gt);
    const mix = mixtureDistribution(key(13), { r: 3, k: 2 });
    for (const dtype of ['float64', 'float32'] as const) {
      const want = sampleTaskProjected(key(14), task, b.mInBasis, mix, 20, { dtype });
      const big = zeros([25, 8] as const, { dtype });
      const out = { u: sliceRows(big, 0, 20), y: zeros([20] as const, { dtype }) };
      sampleTaskProjectedInto(key(14), task, b.mInBasis, mix, out);
      expect(Array.from(out.u.data.subarray(0, 160))).toEqual(Array.from(want.u.data));
      expect(Array.from(out.y.data)).toEqual(Array.from(want.y.data));
    }
  });

  it('refuses sphere and hypercube inputs, and an M of the wrong size', () => {
    const gt = groundTruth(key(15), { d: 20, r: 2 });
    const b = projectionBasis(gt, normal(key(16), [3, 20] as const));
    const task = drawTask(key(17), { kind: 'halfspace' }, gt);
    for (const kind of ['sphere', 'hypercube'] as const)
      expect(() => sampleTaskProjected(key(18), task, b.mInBasis, { kind }, 4)).toThrow(
        `sampleTaskProjected: the projected sampler is exact only for gaussian and mixture inputs, got '${kind}' inputs`,
      );
    expect(() => sampleTaskProjected(key(18), task, b.wInBasis, { kind: 'gaussian' }, 4)).toThrow(
      /mInBasis has shape \[3, 5\] but the task reads r=2/,
    );
  });
});
