import { initLayer } from '@mtrl/network';
import { drawTask, groundTruth, mixtureDistribution } from '@mtrl/tasks';
import { add, fromArray, key, type Matrix, matmul, normal, scale, split } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { evaluateDownstream, featureMap } from './index.js';

describe('evaluateDownstream with the projected sampler', () => {
  const [kg, kt, kl, ku, kb] = split(key(71), 5);
  const d = 96;
  const m = 24;
  const gt = groundTruth(kg, { d, r: 2 });
  // A partly trained layer: rows half in span(M^T), half random, so accuracies are neither
  // perfect nor chance and a wrong law would show.
  const inside = matmul(normal(ku, [m, 2] as const), gt.m);
  const w = add(scale(inside, 1.5), initLayer(kl, { d, m }).w);
  const phi = featureMap(kb, { w, b: fromArray(new Array(m).fill(0)) });

  it('gives test accuracies matching the explicit sampler over seeds (halfspace and xor, d = 96, m = 24)', () => {
    // 16 seeds per sampler and task, 100 training and 600 test samples each. The means must
    // agree within 3 standard errors of their difference plus 0.005. Measured (explicit /
    // projected): halfspace 0.937 ± 0.003 / 0.938 ± 0.003, xor 0.735 ± 0.007 / 0.722 ± 0.003.
    for (const family of [{ kind: 'halfspace' }, { kind: 'xor', subset: [0, 1] }] as const) {
      const task = drawTask(kt, family, gt);
      const stats = (sampler: 'explicit' | 'projected') => {
        const acc = Array.from(
          { length: 16 },
          (_, s) =>
            evaluateDownstream(key(1000 + s), {
              features: phi,
              task,
              gt,
              nTrain: 100,
              nTest: 600,
              sampler,
            }).testAccuracy,
        );
        const mean = acc.reduce((a, b) => a + b) / acc.length;
        const sd = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (acc.length - 1));
        return { mean, se: sd / Math.sqrt(acc.length) };
      };
      const e = stats('explicit');
      const p = stats('projected');
      expect(Math.abs(p.mean - e.mean)).toBeLessThan(3 * Math.hypot(e.se, p.se) + 0.005);
      expect(e.mean).toBeGreaterThan(0.6);
    }
  });

  it('is reproducible from its key, and works with mixture inputs', () => {
    const task = drawTask(kt, { kind: 'halfspace' }, gt);
    const inputs = mixtureDistribution(key(5), { r: 2, k: 4, noiseStd: 0.5 });
    const setup = { features: phi, task, gt, inputs, nTrain: 50, nTest: 200 };
    const a = evaluateDownstream(key(6), { ...setup, sampler: 'projected' });
    const b = evaluateDownstream(key(6), { ...setup, sampler: 'projected' });
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(Array.from(b.probe.weights.data)).toEqual(Array.from(a.probe.weights.data));
    expect(a.testAccuracy).toBeGreaterThan(0.6);
  });

  it('refuses features without a layer, sphere inputs and an unknown sampler', () => {
    const task = drawTask(kt, { kind: 'halfspace' }, gt);
    const base = { task, gt, nTrain: 10, nTest: 10 };
    expect(() =>
      evaluateDownstream(key(7), { ...base, features: (x: Matrix) => x, sampler: 'projected' }),
    ).toThrow(/setup.sampler 'projected' needs setup.features to be a FeatureMap/);
    expect(() =>
      evaluateDownstream(key(7), {
        ...base,
        features: phi,
        inputs: { kind: 'sphere' },
        sampler: 'projected',
      }),
    ).toThrow(/exact only for gaussian and mixture inputs, got "sphere" inputs/);
    expect(() =>
      evaluateDownstream(key(7), { ...base, features: phi, sampler: 'other' as never }),
    ).toThrow(/setup.sampler must be 'explicit' or 'projected', got "other"/);
  });
});
