import { initLayer } from '@mtrl/network';
import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, matmul, normal, split, toArray, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { rowEnergy, subspaceEnergy } from './index.js';

describe('subspaceEnergy', () => {
  const [kg, kw, kc] = split(key(11), 3);
  const gt = groundTruth(kg, { d: 64, r: 4 });

  it('is about r/d for a random Gaussian W', () => {
    // E = chi2(m r) / chi2(m d) in law: relative sd about sqrt(2 / (m r)) = 4.4 % for m = 256.
    const w = initLayer(kw, { d: 64, m: 256 }).w;
    const e = subspaceEnergy(w, gt);
    expect(Math.abs(e - 4 / 64) / (4 / 64)).toBeLessThan(0.2);
  });

  it('is 1 for rows in span(M^T) and 0 for rows orthogonal to it', () => {
    const w = matmul(normal(kc, [32, 4]), gt.m); // rows C M
    expect(subspaceEnergy(w, gt)).toBeCloseTo(1, 12);
    expect(subspaceEnergy(w, gt.m)).toBeCloseTo(1, 12);
    const c = groundTruth(kg, { d: 3, r: 1, kind: 'coordinates', coordinates: [2] });
    expect(subspaceEnergy(fromArray([[1, 2, 0]]), c)).toBe(0);
  });

  it('agrees with an independent projection on a small case, in float32 too', () => {
    // M = e_0, W rows (3, 4, 0) and (0, 0, 2): energy 9 / (25 + 4).
    const c = groundTruth(kg, { d: 3, r: 1, kind: 'coordinates', coordinates: [0] });
    const w = fromArray([
      [3, 4, 0],
      [0, 0, 2],
    ]);
    expect(subspaceEnergy(w, c)).toBeCloseTo(9 / 29, 14);
    expect(subspaceEnergy(fromArray(toArray(w), { dtype: 'float32' }), c)).toBeCloseTo(9 / 29, 6);
  });

  it('returns NaN for an all-zero W', () => {
    expect(subspaceEnergy(zeros([3, 64]), gt)).toBeNaN();
  });

  it('throws on bad shapes and a non-orthonormal basis, naming the function', () => {
    expect(() => subspaceEnergy(zeros([3, 63]), gt)).toThrow(
      /subspaceEnergy: subspace.m has shape \[4, 64\]/,
    );
    expect(() => subspaceEnergy(fromArray([1, 2]) as never, gt)).toThrow(
      /subspaceEnergy: w must be a Matrix/,
    );
    expect(() => subspaceEnergy(zeros([3, 2]), fromArray([[1, 1]]))).toThrow(/orthonormal rows/);
    expect(() => subspaceEnergy(zeros([3, 2]), {} as never)).toThrow(
      /subspaceEnergy: subspace must be/,
    );
  });
});

describe('rowEnergy', () => {
  it('gives each row its own share, NaN for a zero row', () => {
    const c = groundTruth(key(0), { d: 3, r: 1, kind: 'coordinates', coordinates: [0] });
    const e = toArray(
      rowEnergy(
        fromArray([
          [1, 0, 0],
          [1, 1, 0],
          [0, 0, 2],
          [0, 0, 0],
        ]),
        c,
      ),
    );
    expect(e.slice(0, 3)).toEqual([1, 0.5, 0]);
    expect(e[3]).toBeNaN();
  });
});
