// A probe of your own, through the same interface as the built-in ones.
//
// A probe is `{ name, fit(key, features, y) }` returning anything with `decision(features)`;
// evaluateDownstream fits it on the frozen features of a training sample and scores it on fresh
// test samples. Here a nearest-centroid probe (a dozen lines) is compared with the logistic
// linear probe and RBF kernel ridge regression on new xor tasks, reading the features of a
// layer pretrained on halfspace tasks and random features. On xor a probe needs features
// aligned with the hidden directions: random features leave every probe near chance.
//
// Run: node examples/probe.mjs (after `npm run build`), or from a project with the packages.
import { multiTask, randomFeatures } from '@mtrl/baselines';
import { evaluateDownstream, kernelRidgeProbe, linearProbe } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { foldIn, key, splitNamed } from '@mtrl/tensors';

/** Scores a row by how much nearer it is to the +1 class mean than to the -1 class mean. */
const nearestCentroid = {
  name: 'nearest centroid',
  fit(_key, features, y) {
    const [n, p] = features.shape;
    const mean = { 1: new Float64Array(p), '-1': new Float64Array(p) };
    const count = { 1: 0, '-1': 0 };
    for (let i = 0; i < n; i++) {
      const c = y.data[y.offset + i * y.stride[0]] > 0 ? 1 : -1;
      count[c]++;
      for (let j = 0; j < p; j++)
        mean[c][j] +=
          features.data[features.offset + i * features.stride[0] + j * features.stride[1]];
    }
    for (const c of [1, -1]) for (let j = 0; j < p; j++) mean[c][j] /= Math.max(1, count[c]);
    const decision = (f) => {
      const out = new Float64Array(f.shape[0]);
      for (let i = 0; i < f.shape[0]; i++)
        for (let j = 0; j < p; j++) {
          const v = f.data[f.offset + i * f.stride[0] + j * f.stride[1]];
          out[i] += (v - mean[-1][j]) ** 2 - (v - mean[1][j]) ** 2;
        }
      return { dtype: 'float64', shape: [out.length], stride: [1], offset: 0, data: out };
    };
    return { decision };
  },
};

const d = 64;
const xor = { kind: 'xor' };
const k = splitNamed(key(1), ['gt', 'suite', 'methods', 'tasks', 'eval']);
const gt = groundTruth(k.gt, { d, r: 2 });
const suite = taskSuite(k.suite, { kind: 'halfspace' }, gt, 64);
const config = { m: 128, n1: 1024, n2: 1024, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
const reps = [
  multiTask(k.methods, { gt, suite, config }),
  randomFeatures(k.methods, { gt, suite, config }),
];
const probes = [linearProbe(), kernelRidgeProbe({ l2: 1e-2 }), nearestCentroid];
const newTasks = 4;

console.log(`d = ${d}, r = 2, probe accuracy on ${newTasks} new xor tasks (chance 0.5)\n`);
console.log(`| features | ${probes.map((p) => p.name).join(' | ')} |`);
console.log(`|---|${probes.map(() => '---|').join('')}`);
for (const rep of reps) {
  const cells = probes.map((probe) => {
    let accuracy = 0;
    for (let j = 0; j < newTasks; j++) {
      const task = drawTask(foldIn(k.tasks, j), xor, gt);
      const setup = { features: rep.features, task, gt, nTrain: 400, nTest: 2000, probe };
      accuracy += evaluateDownstream(foldIn(k.eval, j), setup).testAccuracy / newTasks;
    }
    return accuracy.toFixed(3);
  });
  console.log(`| ${rep.name} | ${cells.join(' | ')} |`);
}
