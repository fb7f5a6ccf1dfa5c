// @mtrl/probes: what a first layer has learned, and what a probe can do with it.
import { initLayer } from '@mtrl/network';
import {
  coverage,
  curve,
  evaluateDownstream,
  featureMap,
  kernelRidgeProbe,
  linearProbe,
  type Probe,
  subspaceAngles,
  subspaceEnergy,
} from '@mtrl/probes';
import { drawTask, groundTruth } from '@mtrl/tasks';
import { key, matvec, split } from '@mtrl/tensors';

const [kGt, kLayer, kTask, kBias, kEval, kCurve] = split(key(0), 6);
const gt = groundTruth(kGt, { d: 64, r: 4 });
const layer = initLayer(kLayer, { d: 64, m: 128 }); // a random (untrained) layer

console.log(subspaceEnergy(layer.w, gt)); // about r/d = 0.0625
const cov = coverage(layer.w, gt);
console.log(cov.ratio, cov.effectiveRank); // s_r / s_1 of W M^T, and exp(entropy)
console.log(subspaceAngles(layer.w, gt)); // r principal angles, radians (pi/2: unaligned)

// A linear probe on frozen features relu(W' x + b'): unit rows, fresh N(0, 0.5^2) biases.
const xor = drawTask(kTask, { kind: 'xor', subset: [0, 1] }, gt);
const phi = featureMap(kBias, layer);
const res = evaluateDownstream(kEval, { features: phi, task: xor, gt, nTrain: 200, nTest: 1000 });
console.log(res.testAccuracy, res.converged); // about 0.5: random features do not solve xor

// Accuracy against the number of training samples, over 2 seeds.
const points = curve(
  kCurve,
  [50, 200],
  (k, nTrain) =>
    evaluateDownstream(k, { features: phi, task: xor, gt, nTrain, nTest: 500 }).testAccuracy,
  { seeds: 2 },
);
console.log(points.map((p) => `${p.x}: ${p.mean.toFixed(2)} ± ${p.stderr.toFixed(2)}`));

// Probes are an interface: { name, fit(key, features, y) } returning anything with
// decision(features) (the predicted label is its sign). The shipped linear probe, RBF kernel
// ridge regression and a probe written here, all fitted on the same samples by one call:
const correlation: Probe = {
  name: 'correlation',
  fit: (_key, x, y) => {
    const w = matvec(x, y, { transA: true }); // X^T y: the features' correlation with the label
    return { decision: (features) => matvec(features, w) };
  },
};
for (const probe of [linearProbe(), kernelRidgeProbe({ l2: 1e-2 }), correlation]) {
  const setup = { features: phi, task: xor, gt, nTrain: 400, nTest: 1000, probe };
  console.log(probe.name, evaluateDownstream(kEval, setup).testAccuracy);
}
