import { initLayer } from '@mtrl/network';
import { runKeys } from '@mtrl/pretrain';
import { subspaceEnergy } from '@mtrl/probes';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split, splitNamed, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type BaselineSetup, multiTask, randomFeatures } from './index.js';

describe('randomFeatures', () => {
  const [kg, ks, kb] = split(key(103), 3);
  const gt = groundTruth(kg, { d: 64, r: 4 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 4),
    config: {
      m: 256,
      n1: 8,
      n2: 8,
      alpha: 1,
      eta: 1000,
      rounds: 1,
      init: { bias: { kind: 'normal', std: 0.1 } },
    },
  };

  it('is exactly the initial layer of the multi-task run (same key and init)', () => {
    const rep = randomFeatures(kb, setup);
    const init = initLayer(runKeys(splitNamed(kb, ['run', 'features']).run).init, {
      d: 64,
      m: 256,
      bias: { kind: 'normal', std: 0.1 },
    });
    expect(toArray(rep.layer.w)).toEqual(toArray(init.w));
    expect(toArray(rep.layer.b)).toEqual(toArray(init.b));
    expect(rep.pretrain).toBeUndefined();
    // The same key gives multiTask's run the same initial layer.
    const run = multiTask(kb, { ...setup, config: { ...setup.config, eta: 0 } });
    expect(toArray(run.layer.w)).toEqual(toArray(init.w));
  });

  it('has about r / d of its energy in the subspace', () => {
    const e = subspaceEnergy(randomFeatures(kb, setup).layer.w, gt);
    expect(Math.abs(e - 4 / 64) / (4 / 64)).toBeLessThan(0.2); // relative sd 4.4 %
  });
});
