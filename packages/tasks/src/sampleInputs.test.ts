import { key, type Matrix, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { groundTruth, type InputDistribution, mixtureDistribution, sampleInputs } from './index.js';

function moments(x: Matrix): { mean: number; variance: number } {
  const v = Array.from(x.data);
  const mean = v.reduce((s, e) => s + e, 0) / v.length;
  const variance = v.reduce((s, e) => s + (e - mean) ** 2, 0) / v.length;
  return { mean, variance };
}

describe('sampleInputs', () => {
  const gt = groundTruth(key(0), { d: 32, r: 3 });
  const N = 2000 * 32;

  it('gaussian: entries have mean 0 and variance 1', () => {
    const x = sampleInputs(key(1), { kind: 'gaussian' }, gt, 2000);
    expect(x.shape).toEqual([2000, 32]);
    const { mean, variance } = moments(x);
    // 5 standard errors: sd(mean) = 1/sqrt(N), sd(var) ~ sqrt(2/N).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });

  it('sphere: every row has norm exactly sqrt(d), entries mean 0 variance 1', () => {
    const x = sampleInputs(key(2), { kind: 'sphere' }, gt, 2000);
    for (const row of toArray(x)) {
      expect(Math.hypot(...row)).toBeCloseTo(Math.sqrt(32), 12);
    }
    const { mean, variance } = moments(x);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(0.02); // exactly 1 in expectation, by construction
  });

  it('hypercube: entries are +-1 and balanced', () => {
    const x = sampleInputs(key(3), { kind: 'hypercube' }, gt, 2000);
    const v = Array.from(x.data);
    expect(v.every((e) => e === 1 || e === -1)).toBe(true);
    const plus = v.filter((e) => e === 1).length / v.length;
    expect(Math.abs(plus - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it('mixture: Mx concentrates near the centres, used uniformly, with s^2 noise off the subspace', () => {
    const s = 0.1;
    const dist = mixtureDistribution(key(4), { r: 3, k: 4, centreStd: 3, noiseStd: s });
    expect(dist.centres.length).toBe(4);
    const n = 4000;
    const x = toArray(sampleInputs(key(5), dist, gt, n));
    const m = toArray(gt.m);
    const counts = [0, 0, 0, 0];
    let offEnergy = 0;
    for (const row of x) {
      const z = m.map((mr) => mr.reduce((acc, v, j) => acc + v * row[j], 0));
      const dists = dist.centres.map((c) => Math.hypot(...c.map((ci, a) => ci - z[a])));
      const best = dists.indexOf(Math.min(...dists));
      counts[best]++;
      // |z - mu_c| ~ s * chi_3; 6 s is far in the tail (P < 1e-6).
      expect(dists[best]).toBeLessThan(6 * s);
      const zz = z.reduce((a, v) => a + v * v, 0);
      offEnergy += row.reduce((a, v) => a + v * v, 0) - zz;
    }
    for (const c of counts) expect(Math.abs(c - n / 4)).toBeLessThan(5 * Math.sqrt(n * (3 / 16)));
    // E|x - M^T M x|^2 = s^2 (d - r).
    expect(offEnergy / n / (s * s * 29)).toBeCloseTo(1, 1);
  });

  it('rounds float64 samples once for float32, and repeats bit for bit per key', () => {
    for (const dist of [
      { kind: 'gaussian' },
      { kind: 'sphere' },
      { kind: 'hypercube' },
      mixtureDistribution(key(6), { r: 3, k: 2 }),
    ] as InputDistribution[]) {
      const a = sampleInputs(key(7), dist, gt, 50);
      const b = sampleInputs(key(7), dist, gt, 50);
      const f = sampleInputs(key(7), dist, gt, 50, { dtype: 'float32' });
      const c = sampleInputs(key(8), dist, gt, 50);
      expect(b.data).toEqual(a.data);
      expect(f.data).toEqual(Float32Array.from(a.data));
      expect(c.data).not.toEqual(a.data);
    }
  });

  it('gives an empty batch for n = 0', () => {
    expect(sampleInputs(key(1), { kind: 'sphere' }, gt, 0).shape).toEqual([0, 32]);
  });

  it.each([
    [
      { kind: 'laplace' },
      5,
      /sampleInputs: dist.kind must be one of 'gaussian', 'sphere', 'hypercube', 'mixture', got "laplace"/,
    ],
    [{ kind: 'gaussian' }, -1, /sampleInputs: n must be an integer >= 0, got -1/],
    [{ kind: 'gaussian' }, 2.5, /sampleInputs: n must be an integer >= 0, got 2.5/],
    [
      { kind: 'mixture', centres: [], noiseStd: 1 },
      5,
      /sampleInputs: dist.centres must hold K >= 1 centres, got K = 0/,
    ],
    [
      { kind: 'mixture', centres: [[0, 0, 0]], noiseStd: -1 },
      5,
      /dist.noiseStd must be a finite number >= 0, got -1/,
    ],
    [
      { kind: 'mixture', centres: [[0, 0]], noiseStd: 1 },
      5,
      /dist.centres\[0\] must be an array of 3 numbers, got length 2/,
    ],
    [
      { kind: 'mixture', centres: [[0, 0, Number.NaN]], noiseStd: 1 },
      5,
      /dist.centres\[0\]\[2\] must be a finite number/,
    ],
  ])('rejects %j with n = %d', (dist, n, msg) => {
    expect(() => sampleInputs(key(0), dist as never, gt, n)).toThrow(msg);
  });

  it('rejects bad dtype and ground truth', () => {
    expect(() =>
      sampleInputs(key(0), { kind: 'gaussian' }, gt, 1, { dtype: 'int' as never }),
    ).toThrow(/sampleInputs: dtype/);
    expect(() => sampleInputs(key(0), { kind: 'gaussian' }, { ...gt, r: 4 }, 1)).toThrow(
      /sampleInputs: gt.m has shape \[3, 32\] but gt says r=4/,
    );
    expect(() => sampleInputs(key(0), { kind: 'gaussian' }, null as never, 1)).toThrow(
      /sampleInputs: gt must be a GroundTruth/,
    );
  });
});

describe('mixtureDistribution', () => {
  it('draws K centres of length r scaled by centreStd', () => {
    const a = mixtureDistribution(key(1), { r: 2, k: 3, centreStd: 1, noiseStd: 0 });
    const b = mixtureDistribution(key(1), { r: 2, k: 3, centreStd: 2, noiseStd: 0 });
    expect(a.noiseStd).toBe(0);
    expect(b.centres.flat()).toEqual(a.centres.flat().map((v) => 2 * v));
    expect(mixtureDistribution(key(1), { r: 2, k: 3 })).toMatchObject({
      kind: 'mixture',
      noiseStd: 1,
    });
  });

  it.each([
    [{ r: 2, k: 0 }, /mixtureDistribution: k must be an integer >= 1, got 0/],
    [{ r: 0, k: 2 }, /mixtureDistribution: r must be an integer >= 1, got 0/],
    [{ r: 2, k: 2, noiseStd: -0.1 }, /mixtureDistribution: noiseStd must be a finite number >= 0/],
    [
      { r: 2, k: 2, centreStd: Number.POSITIVE_INFINITY },
      /mixtureDistribution: centreStd must be a finite number >= 0/,
    ],
  ])('rejects %j', (opts, msg) => {
    expect(() => mixtureDistribution(key(0), opts)).toThrow(msg);
  });
});
