import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, matmul, normal, split, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { subspaceAngles } from './index.js';

describe('subspaceAngles', () => {
  const [kg, kw, kn] = split(key(32), 3);
  const gt = groundTruth(kg, { d: 24, r: 3 });

  it('is 0 for rows spanning span(M^T), even with extra small noise elsewhere', () => {
    const w = matmul(normal(kw, [10, 3]), gt.m);
    for (const t of subspaceAngles(w, gt)) expect(t).toBeLessThan(1e-10);
    const noisy = normal(kn, [10, 24]);
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] = w.data[i] + 1e-4 * noisy.data[i];
    for (const t of subspaceAngles(noisy, gt)) expect(t).toBeLessThan(1e-2);
  });

  it('finds a missed direction: rows in span of two of the three directions plus an orthogonal one', () => {
    const e = groundTruth(kg, { d: 5, r: 3, kind: 'coordinates', coordinates: [0, 1, 2] });
    const w = fromArray([
      [3, 0, 0, 0, 0],
      [0, 2, 0, 0, 0],
      [0, 0, 0, 1, 0],
    ]);
    const angles = subspaceAngles(w, e);
    expect(angles[0]).toBeLessThan(1e-14);
    expect(angles[1]).toBeLessThan(1e-14);
    expect(angles[2]).toBeCloseTo(Math.PI / 2, 14);
  });

  it('refuses m < r and rank-deficient W', () => {
    expect(() => subspaceAngles(zeros([2, 24]), gt)).toThrow(
      /subspaceAngles: w has 2 rows, fewer than r = 3/,
    );
    expect(() => subspaceAngles(zeros([4, 24]), gt)).toThrow(/subspaceAngles: w has rank < r = 3/);
  });
});
