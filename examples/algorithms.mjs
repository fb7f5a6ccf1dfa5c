// The shipped pretraining algorithms compared on one suite.
//
// An algorithm is a head step, a layer-gradient step, a reduction and a layer update; a config
// names one in plain data (`algorithm: 'paper' | 'joint-sgd' | 'fomaml' | 'anil'`, or pieces),
// so worker threads rebuild it. All four run in the same engine (events, abort, threads, the same
// bits for any thread count) on the same halfspace suite, from the same key and so the same
// initial layer. The table shows how much of the layer lies in the ground-truth subspace,
// how well it covers all r directions (cos of the largest principal angle) and what a linear
// probe reaches on new tasks.
//
// Run: node examples/algorithms.mjs (after `npm run build`), or from a project with the packages.
import { pretrain, suiteSource } from '@mtrl/pretrain';
import { evaluateDownstream, featureMap, subspaceAngles, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { foldIn, key, splitNamed } from '@mtrl/tensors';

const d = 96;
const r = 3;
const k = splitNamed(key(2), ['gt', 'suite', 'run', 'tasks', 'eval']);
const gt = groundTruth(k.gt, { d, r });
const source = suiteSource(gt, taskSuite(k.suite, { kind: 'halfspace' }, gt, 48));
const common = { m: 96, n1: 128, n2: 128, rounds: 30, loss: 'logistic', trainBias: true };
const algorithms = {
  paper: { algorithm: 'paper', alpha: 0.5, eta: 8, head: { mode: 'step', steps: 1 } },
  'joint-sgd': { algorithm: 'joint-sgd', alpha: 0.5, eta: 8, head: { mode: 'fixed' } },
  fomaml: { algorithm: 'fomaml', alpha: 0.5, eta: 8, head: { mode: 'step', steps: 2 } },
  anil: { algorithm: 'anil', alpha: 0.5, eta: 8, head: { mode: 'step', steps: 2 } },
};
const newTasks = 4;

const rows = [];
for (const [name, settings] of Object.entries(algorithms)) {
  const start = performance.now();
  const res = pretrain(k.run, source, { ...common, ...settings });
  const ms = performance.now() - start;
  const phi = featureMap(k.eval, res.layer);
  let accuracy = 0;
  for (let j = 0; j < newTasks; j++) {
    const task = drawTask(foldIn(k.tasks, j), { kind: 'halfspace' }, gt);
    const setup = { features: phi, task, gt, nTrain: 256, nTest: 2000 };
    accuracy += evaluateDownstream(foldIn(k.eval, j), setup).testAccuracy / newTasks;
  }
  const cosines = subspaceAngles(res.layer.w, gt).map(Math.cos);
  rows.push([
    name,
    res.status,
    subspaceEnergy(res.layer.w, gt).toFixed(3),
    Math.min(...cosines).toFixed(3),
    accuracy.toFixed(3),
    (ms / 1000).toFixed(1),
  ]);
}

console.log(
  `d = ${d}, r = ${r}, T = 48 halfspace tasks, ${common.rounds} rounds (energy at init ~ r/d)\n`,
);
console.log('| algorithm | status | subspace energy | cos θ_r | probe accuracy | seconds |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
