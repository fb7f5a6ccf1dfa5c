import { evaluateDownstream, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  type BaselineSetup,
  multiTask,
  multiTaskAsync,
  oracle,
  type Representation,
  randomFeatures,
} from './index.js';

describe('multiTask against oracle and random features on xor (d = 256)', () => {
  // The smallest run that still shows the ordering at d = 256 in about two seconds: r = 2,
  // m = 128, T = 32, n1 = n2 = 512 (T n^2 = 8.4e6 against r d^2 / 0.025 = 5.2e6; docs:
  // Specification, 'One big step').
  // Measured: oracle 0.978, multi-task 0.781, random features 0.491.
  const [kg, ks, kt, kb, ke] = split(key(101), 5);
  const gt = groundTruth(kg, { d: 256, r: 2 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 32),
    config: {
      m: 128,
      n1: 512,
      n2: 512,
      alpha: 1,
      eta: 1000,
      rounds: 1,
      normalizeRows: true,
    },
  };
  const xor = drawTask(kt, { kind: 'xor', subset: [0, 1] }, gt);
  const accuracy = (rep: Representation) =>
    evaluateDownstream(ke, { features: rep.features, task: xor, gt, nTrain: 200, nTest: 2000 })
      .testAccuracy;

  it('orders oracle >= multi-task >= random features, with clear gaps', () => {
    const multi = multiTask(kb, setup);
    const acc = {
      oracle: accuracy(oracle(kb, setup)),
      multi: accuracy(multi),
      random: accuracy(randomFeatures(kb, setup)),
    };
    expect(acc.oracle).toBeGreaterThan(acc.multi + 0.05);
    expect(acc.multi).toBeGreaterThan(acc.random + 0.15);
    expect(acc.random).toBeLessThan(0.6); // chance is 0.5
    expect(multi.name).toBe('multiTask');
    expect(multi.pretrain?.history).toHaveLength(2);
    expect(subspaceEnergy(multi.layer.w, gt)).toBeGreaterThan(0.5); // measured 0.68; r / d = 0.008
  });
});

describe('multiTaskAsync', () => {
  const [kg, ks, kb] = split(key(7), 3);
  const gt = groundTruth(kg, { d: 32, r: 2 });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(ks, { kind: 'halfspace' }, gt, 6),
    config: { m: 16, n1: 64, n2: 64, alpha: 1, eta: 100, rounds: 2 },
  };

  it('gives the representation of multiTask bit for bit, on two worker threads', async () => {
    const sync = multiTask(kb, setup);
    const threaded = await multiTaskAsync(kb, setup, { threads: 2 });
    expect(threaded.name).toBe('multiTask');
    expect(Array.from(threaded.layer.w.data)).toEqual(Array.from(sync.layer.w.data));
    expect(threaded.pretrain?.history).toHaveLength(3);
    expect(threaded.pretrain?.status).toBe('completed');
  });

  it('rejects a bad setup naming the function', async () => {
    await expect(
      multiTaskAsync(kb, { ...setup, suite: { ...setup.suite, tasks: [] } }),
    ).rejects.toThrow(/multiTaskAsync/);
  });
});
