import { coverage } from '@mtrl/probes';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type BaselineSetup, multiTask, singleTask } from './index.js';

describe('singleTask', () => {
  const [kg, ks, kb] = split(key(102), 3);
  const gt = groundTruth(kg, { d: 64, r: 2 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 16),
    config: {
      m: 64,
      n1: 256,
      n2: 256,
      alpha: 1,
      eta: 1000,
      rounds: 1,
      normalizeRows: true,
    },
  };

  it('covers far less of the subspace than multi-task pretraining', () => {
    // One task gives a rank-one averaged update: one direction. Measured: 0.08 against 0.67.
    const one = coverage(singleTask(kb, setup).layer.w, gt).ratio;
    const many = coverage(multiTask(kb, setup).layer.w, gt).ratio;
    expect(one).toBeLessThan(0.3);
    expect(many).toBeGreaterThan(0.5);
    expect(many).toBeGreaterThan(3 * one);
  });

  it('trains on the chosen task only, with the multi-task hyperparameters', () => {
    const rep = singleTask(kb, setup, { task: 5 });
    expect(rep.pretrain?.config.eta).toBe(1000);
    expect(rep.pretrain?.heads.shape).toEqual([1, 64]);
    const first = singleTask(kb, setup);
    expect(toArray(rep.layer.w)).not.toEqual(toArray(first.layer.w));
    const same = singleTask(kb, {
      ...setup,
      suite: { ...setup.suite, tasks: [setup.suite.tasks[5]] },
    });
    expect(toArray(same.layer.w)).toEqual(toArray(rep.layer.w));
  });

  it('refuses a task index outside the suite', () => {
    expect(() => singleTask(kb, setup, { task: 16 })).toThrow(
      /singleTask: opts.task must be an integer in \[0, 15\], got 16/,
    );
  });
});
