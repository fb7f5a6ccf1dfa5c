// @mtrl/baselines: every method behind one interface, so swapping methods is a change of name.
import { BASELINE_NAMES, BASELINES } from '@mtrl/baselines';
import { coverage, evaluateDownstream, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split } from '@mtrl/tensors';

const [kGt, kSuite, kTask, kMethod, kEval] = split(key(0), 5);
const gt = groundTruth(kGt, { d: 32, r: 2 });
const suite = taskSuite(kSuite, { kind: 'halfspace' }, gt, 16);
// No seed in the config: a method's randomness is its key (kMethod), the same for every method,
// so the pretraining-based methods and randomFeatures start from the same initial layer.
const config = { m: 32, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
const xor = drawTask(kTask, { kind: 'xor', subset: [0, 1] }, gt);

for (const name of BASELINE_NAMES) {
  const rep = BASELINES[name](kMethod, { gt, suite, config });
  const acc = evaluateDownstream(kEval, {
    features: rep.features,
    task: xor,
    gt,
    nTrain: 200,
    nTest: 1000,
  });
  console.log(
    name.padEnd(16),
    `energy ${subspaceEnergy(rep.layer.w, gt).toFixed(2)}`,
    `coverage ${coverage(rep.layer.w, gt).ratio.toFixed(2)}`,
    `xor ${acc.testAccuracy.toFixed(2)}`,
  );
}
// multiTask, jointSgd, methodOfMoments and oracle solve xor; randomFeatures stays near chance
// and singleTask learns one direction (coverage near 0).
