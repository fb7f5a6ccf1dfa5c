// A complete study in about 20 lines: pretrain on many halfspace tasks, then compare a linear
// probe on the learned features with one on random features, on a downstream xor task.
import { initLayer } from '@mtrl/network';
import { pretrain, runKeys, suiteSource } from '@mtrl/pretrain';
import { coverage, evaluateDownstream, featureMap, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { key, splitNamed } from '@mtrl/tensors';

// One seed, turned into a key once; every random draw below gets its own part of it.
const k = splitNamed(key(0), ['gt', 'suite', 'run', 'task', 'bias', 'eval'] as const);
const gt = groundTruth(k.gt, { d: 64, r: 2 }); // M: [2, 64], orthonormal rows
const suite = taskSuite(k.suite, { kind: 'halfspace' }, gt, 32); // T = 32 tasks
const config = { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
const res = pretrain(k.run, suiteSource(gt, suite), config, {
  probes: { energy: (layer) => subspaceEnergy(layer.w, gt) },
});
const xor = drawTask(k.task, { kind: 'xor', subset: [0, 1] }, gt);
const random = initLayer(runKeys(k.run).init, { d: 64, m: 64 }); // the run's initial layer
for (const [name, layer] of [
  ['multi-task', res.layer],
  ['random features', random],
] as const) {
  const features = featureMap(k.bias, layer);
  const acc = evaluateDownstream(k.eval, { features, task: xor, gt, nTrain: 200, nTest: 2000 });
  console.log(name, {
    energy: subspaceEnergy(layer.w, gt),
    coverage: coverage(layer.w, gt).ratio,
    xor: acc.testAccuracy,
  });
}
