import { subspaceEnergy } from '@mtrl/probes';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, rowNorms, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type BaselineSetup, methodOfMoments } from './index.js';

describe('methodOfMoments', () => {
  const [kg, ks, kb] = split(key(107), 3);
  const gt = groundTruth(kg, { d: 64, r: 3 });
  const config = { m: 48, n1: 512, n2: 512, alpha: 1, eta: 1000, rounds: 1 };
  const halfspaces: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 24),
    config,
  };

  it('recovers the subspace from halfspace tasks: energy near 1', () => {
    // E[y x] = sqrt(2/pi) M^T v_t; noise per moment ~ sqrt(d / n) = 0.25 against 0.8.
    const rep = methodOfMoments(kb, halfspaces);
    expect(subspaceEnergy(rep.layer.w, gt)).toBeGreaterThan(0.9); // measured 0.99
    for (const v of toArray(rowNorms(rep.layer.w))) expect(v).toBeCloseTo(1, 12);
    const ev = rep.eigenvalues!;
    expect(ev).toHaveLength(3);
    expect(ev[0]).toBeGreaterThanOrEqual(ev[1]);
    expect(ev[1]).toBeGreaterThanOrEqual(ev[2]);
    // Signal eigenvalues: about (2 / pi) T / r = 5.1 each.
    expect(ev[2]).toBeGreaterThan(2);
  });

  it('finds nothing for xor tasks, whose first moment vanishes', () => {
    const xor: BaselineSetup = {
      gt,
      suite: taskSuite(ks, { kind: 'xor', subsetSize: 2 }, gt, 24),
      config,
    };
    const rep = methodOfMoments(kb, xor);
    expect(subspaceEnergy(rep.layer.w, gt)).toBeLessThan(0.3); // measured 0.07; r / d = 0.05
  });

  it('keeps the requested number of directions and refuses a bad rank', () => {
    const rep = methodOfMoments(kb, halfspaces, { rank: 1, samples: 128 });
    expect(rep.eigenvalues).toHaveLength(1);
    expect(() => methodOfMoments(kb, halfspaces, { rank: 65 })).toThrow(
      /methodOfMoments: opts.rank must be an integer in \[1, 64\] or 'auto', got 65/,
    );
    expect(() => methodOfMoments(kb, halfspaces, { rank: 'all' as 'auto' })).toThrow(
      /opts.rank must be an integer in \[1, 64\] or 'auto', got "all"/,
    );
    expect(() => methodOfMoments(kb, halfspaces, { rank: 1.5 })).toThrow(/got 1\.5/);
    expect(() => methodOfMoments(kb, halfspaces, { samples: 0 })).toThrow(
      /methodOfMoments: opts.samples must be an integer >= 1/,
    );
  });

  it("estimates the rank with rank: 'auto': r for halfspace tasks, the forced one for xor", () => {
    const rep = methodOfMoments(kb, halfspaces, { rank: 'auto' });
    const ev = rep.eigenvalues!;
    const edge = rep.eigenvalueThreshold!;
    // Noise edge: 1.5 (sqrt(24) + sqrt(64))^2 / 1024 = 0.24 against signal eigenvalues ~5.
    expect(edge).toBeGreaterThan(0.2);
    expect(edge).toBeLessThan(0.3);
    expect(ev).toHaveLength(gt.r);
    for (const e of ev) expect(e).toBeGreaterThan(edge);
    // The same directions as when told r = 3.
    expect(rep.layer.w.data).toEqual(methodOfMoments(kb, halfspaces).layer.w.data);
    // The fourth eigenvalue (told rank 4) is noise, under the edge.
    expect(methodOfMoments(kb, halfspaces, { rank: 4 }).eigenvalues![3]).toBeLessThan(edge);
    const xor = methodOfMoments(
      kb,
      { gt, suite: taskSuite(ks, { kind: 'xor', subsetSize: 2 }, gt, 24), config },
      { rank: 'auto' },
    );
    expect(xor.eigenvalues).toHaveLength(1);
    expect(xor.eigenvalues![0]).toBeLessThan(xor.eigenvalueThreshold!);
    // Told the rank, the method reports no threshold.
    expect(methodOfMoments(kb, halfspaces).eigenvalueThreshold).toBeUndefined();
  });

  it('works with fewer tasks than directions (the rest is an arbitrary completion)', () => {
    const one: BaselineSetup = { gt, suite: taskSuite(ks, { kind: 'halfspace' }, gt, 1), config };
    const rep = methodOfMoments(kb, one);
    expect(rep.layer.w.shape).toEqual([48, 64]);
    expect(rep.eigenvalues![2]).toBe(0);
  });
});
