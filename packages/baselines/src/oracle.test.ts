import { subspaceEnergy } from '@mtrl/probes';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, normal, rowNorms, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type BaselineSetup, oracle } from './index.js';

describe('oracle', () => {
  const [kg, ks, kb, kx] = split(key(104), 4);
  const gt = groundTruth(kg, { d: 48, r: 3 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 2),
    config: { m: 40, n1: 8, n2: 8, alpha: 1, eta: 1, rounds: 1 },
  };

  it('has m unit rows inside span(M^T): energy exactly 1', () => {
    const rep = oracle(kb, setup);
    expect(rep.layer.w.shape).toEqual([40, 48]);
    for (const v of toArray(rowNorms(rep.layer.w))) expect(v).toBeCloseTo(1, 12);
    expect(subspaceEnergy(rep.layer.w, gt)).toBeCloseTo(1, 12);
  });

  it('gives features that depend on x only through z = M x', () => {
    // Adding a component orthogonal to span(M^T) to x changes nothing.
    const rep = oracle(kb, setup);
    const x = normal(kx, [5, 48]);
    const shifted = normal(kx, [5, 48]);
    const g = toArray(gt.m);
    for (let i = 0; i < 5; i++) {
      const row = Array.from(shifted.data.subarray(i * 48, i * 48 + 48));
      // Remove the in-subspace part of the shift: row - M^T M row.
      const proj = g.map((mk) => mk.reduce((a, v, j) => a + v * row[j], 0));
      for (let j = 0; j < 48; j++) {
        const inside = g.reduce((a, mk, k) => a + mk[j] * proj[k], 0);
        shifted.data[i * 48 + j] = x.data[i * 48 + j] + (row[j] - inside);
      }
    }
    const a = toArray(rep.features(x)).flat();
    const b = toArray(rep.features(shifted)).flat();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 10);
  });
});
