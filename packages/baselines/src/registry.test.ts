import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, normal, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { BASELINE_NAMES, BASELINES, type BaselineSetup } from './index.js';

describe('BASELINES', () => {
  const [kg, ks, kb, kx] = split(key(108), 4);
  const gt = groundTruth(kg, { d: 16, r: 2 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 3),
    config: { m: 8, n1: 32, n2: 32, alpha: 1, eta: 100, rounds: 1, normalizeRows: true },
  };

  it('lists every method once, and each returns a representation of the same shape', () => {
    expect([...BASELINE_NAMES].sort()).toEqual(Object.keys(BASELINES).sort());
    const x = normal(kx, [5, 16]);
    const biases: number[][] = [];
    for (const name of BASELINE_NAMES) {
      const rep = BASELINES[name](kb, setup);
      expect(rep.name).toBe(name);
      expect(rep.layer.w.shape).toEqual([8, 16]);
      expect(rep.features(x).shape).toEqual([5, 8]);
      expect(rep.key).toEqual(kb);
      biases.push(toArray(rep.features.layer.b));
    }
    // One key gives every method the same fresh probe biases (common random numbers).
    for (const b of biases) expect(b).toEqual(biases[0]);
  });

  it('refuses a bad setup, naming the method', () => {
    expect(() => BASELINES.oracle(kb, { ...setup, config: { ...setup.config, m: 0 } })).toThrow(
      /oracle: setup.config: pretrain: invalid configuration \(1 problem\):\n {2}- m: must be an integer >= 1, got 0/,
    );
    expect(() =>
      BASELINES.multiTask(kb, { ...setup, suite: { ...setup.suite, tasks: [] } }),
    ).toThrow(/multiTask: setup.suite must hold at least one task/);
    expect(() => BASELINES.randomFeatures(kb, null as never)).toThrow(
      /randomFeatures: setup must be an object/,
    );
    expect(() => BASELINES.methodOfMoments([0] as never, setup)).toThrow(
      /methodOfMoments: key must be a Key/,
    );
  });
});
