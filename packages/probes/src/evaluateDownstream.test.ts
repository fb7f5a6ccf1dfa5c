import { initLayer } from '@mtrl/network';
import { drawTask, groundTruth } from '@mtrl/tasks';
import { fromArray, key, type Matrix, matmul, normal, normalizeRows, split } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { evaluateDownstream, featureMap } from './index.js';

describe('evaluateDownstream', () => {
  const [kg, kt, kl, kb, kx, ku] = split(key(61), 6);
  const d = 32;
  const gt = groundTruth(kg, { d, r: 2 });
  const halfspace = drawTask(kt, { kind: 'halfspace' }, gt);
  const xor = drawTask(kt, { kind: 'xor', subset: [0, 1] }, gt);

  it('solves a halfspace from the raw inputs almost perfectly, and records its keys', () => {
    const identity = (x: Matrix) => x;
    const res = evaluateDownstream(kx, {
      features: identity,
      task: halfspace,
      gt,
      nTrain: 400,
      nTest: 1000,
    });
    // A linear rule in d = 32 from 400 samples: about d / n of the test set sits near the boundary.
    expect(res.testAccuracy).toBeGreaterThan(0.9); // measured 0.939
    expect(res.trainAccuracy).toBeGreaterThanOrEqual(res.testAccuracy - 0.05);
    expect(res.converged).toBe(true);
    expect([res.nTrain, res.nTest]).toEqual([400, 1000]);
    expect(res.keys).toEqual({ train: split(kx)[0], test: split(kx)[1], probe: split(kx, 3)[2] });
    expect(res.testPositiveRate).toBeGreaterThan(0.4);
    // Reproducible from the key.
    const again = evaluateDownstream(kx, {
      features: identity,
      task: halfspace,
      gt,
      nTrain: 400,
      nTest: 1000,
    });
    expect(again.testAccuracy).toBe(res.testAccuracy);
  });

  it('separates features that know the subspace from those that do not on xor', () => {
    // Oracle-like features: unit rows inside span(M^T); random features: a Gaussian layer.
    const u = normalizeRows(normal(ku, [128, 2]));
    const oracle = featureMap(kb, { w: matmul(u, gt.m), b: fromArray(new Array(128).fill(0)) });
    const random = featureMap(kb, initLayer(kl, { d, m: 128 }));
    const setup = { task: xor, gt, nTrain: 300, nTest: 1000, probe: { l2: 1e-3 } };
    const good = evaluateDownstream(kx, { ...setup, features: oracle });
    const bad = evaluateDownstream(kx, { ...setup, features: random });
    expect(good.testAccuracy).toBeGreaterThan(0.9);
    expect(bad.testAccuracy).toBeLessThan(0.75);
    expect(good.testAccuracy).toBeGreaterThan(bad.testAccuracy + 0.2);
  });

  it('uses the ridge probe on request', () => {
    const res = evaluateDownstream(kx, {
      features: (x) => x,
      task: halfspace,
      gt,
      nTrain: 200,
      nTest: 500,
      probe: { kind: 'ridge', l2: 1e-2 },
    });
    expect(res.probe.kind).toBe('ridge');
    expect(res.testAccuracy).toBeGreaterThan(0.8); // measured 0.878
  });

  it('refuses bad setups, naming the field', () => {
    const base = { features: (x: Matrix) => x, task: halfspace, gt, nTrain: 10, nTest: 10 };
    expect(() => evaluateDownstream(kx, { ...base, nTrain: 0 })).toThrow(
      /evaluateDownstream: setup.nTrain must be an integer >= 1, got 0/,
    );
    expect(() => evaluateDownstream(kx, { ...base, features: 3 as never })).toThrow(
      /evaluateDownstream: setup.features must be a function/,
    );
    expect(() => evaluateDownstream(kx, { ...base, features: () => fromArray([[1]]) })).toThrow(
      /evaluateDownstream: setup.features returned shape \[1, 1\] for 10 samples/,
    );
  });
});
