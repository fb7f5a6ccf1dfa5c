// A task family of your own, with per-task randomness, compared across methods.
//
// Each task labels x by the sign of u.z + ((v.z)^2 - 1) / 2 with z = M x, where the unit
// directions u and v are drawn from the task's own key: a halfspace bent by a quadratic ridge.
// The family is a plain object with a `draw(key, info)` function, so taskSuite gives every task
// its own labelling and checks that each is balanced. Multi-task pretraining is compared with
// random features and single-task pretraining: subspace energy of the learned layer, and the
// accuracy of a linear probe on new tasks of the same family.
//
// Run: node examples/custom-family.mjs (after `npm run build`), or from a project with the
// @mtrl packages installed.
import { multiTask, randomFeatures, singleTask } from '@mtrl/baselines';
import { evaluateDownstream, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { foldIn, key, normal, normalizeRows, splitNamed } from '@mtrl/tensors';

/** sign(u.z + ((v.z)^2 - 1) / 2), with unit u, v drawn from each task's key. */
const bentHalfspace = {
  kind: 'custom',
  name: 'bent halfspace',
  draw(taskKey, { r }) {
    const uv = normalizeRows(normal(taskKey, [2, r])).data;
    return (z) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < r; i++) {
        a += uv[i] * z[i];
        b += uv[r + i] * z[i];
      }
      return a + (b * b - 1) / 2;
    };
  },
};

const d = 128;
const r = 3;
const k = splitNamed(key(0), ['gt', 'suite', 'methods', 'tasks', 'probes']);
const gt = groundTruth(k.gt, { d, r });
const suite = taskSuite(k.suite, bentHalfspace, gt, 64);
const config = { m: 128, n1: 512, n2: 512, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
const methods = {
  'multi-task': multiTask,
  'random features': randomFeatures,
  'single task': singleTask,
};
const newTasks = 4;

const rows = [];
for (const [i, [name, method]] of Object.entries(methods).entries()) {
  const rep = method(foldIn(k.methods, i), { gt, suite, config });
  let accuracy = 0;
  for (let j = 0; j < newTasks; j++) {
    const task = drawTask(foldIn(k.tasks, j), bentHalfspace, gt);
    const setup = { features: rep.features, task, gt, nTrain: 512, nTest: 2000 };
    accuracy += evaluateDownstream(foldIn(k.probes, j), setup).testAccuracy / newTasks;
  }
  rows.push([name, subspaceEnergy(rep.layer.w, gt).toFixed(3), accuracy.toFixed(3)]);
}

console.log(`d = ${d}, r = ${r}, T = ${suite.tasks.length} bent-halfspace tasks (chance 0.5)\n`);
console.log('| method | subspace energy | probe accuracy on new tasks |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
