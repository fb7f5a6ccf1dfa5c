// The calibration case of the mtrl specification (docs: Specification, 'Calibration case') for
// every method of @mtrl/baselines: d = 256, r = 4, m = 256, T = 64 halfspace tasks, n1 = n2 = 1024,
// one step with eta = 1000 and unit rows; downstream halfspace and xor (parity of ground-truth
// coordinates 0 and 1) tasks read by a logistic probe on relu(W' x + b') with unit rows and fresh
// N(0, 0.5^2) biases, n_train = 200, n_test = 2000. Coverage is s_r / s_1 of W M^T with W's rows
// scaled to unit norm first.
//
// Run from packages/baselines:
//   npx tsx --conditions=@mtrl/source examples/calibration.ts [--seed 0] [--seeds 3] [--only a,b]
// Prints one JSON line per (seed, method) and a summary table (mean and standard error).

import { parseArgs } from 'node:util';
import { BASELINE_NAMES, BASELINES, type BaselineName, type BaselineSetup } from '@mtrl/baselines';
import { coverage, evaluateDownstream, meanStderr, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, taskSuite } from '@mtrl/tasks';
import { foldIn, key, split } from '@mtrl/tensors';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    seeds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const seed = Number(values.seed);
const seeds = Number(values.seeds);
const names = (values.only?.split(',') ?? BASELINE_NAMES) as BaselineName[];
const d = 256;
const r = 4;

type Row = { energy: number; coverage: number; halfspace: number; xor: number; seconds: number };
const rows: Record<string, Row[]> = {};

for (let s = 0; s < seeds; s++) {
  const root = foldIn(key(seed), s);
  const [kGt, kSuite, kTasks, kMethod, kEval] = split(root, 5);
  const gt = groundTruth(kGt, { d, r });
  const setup: BaselineSetup = {
    gt,
    suite: taskSuite(kSuite, { kind: 'halfspace' }, gt, 64),
    config: {
      m: 256,
      n1: 1024,
      n2: 1024,
      alpha: 1,
      eta: 1000,
      rounds: 1,
      normalizeRows: true,
    },
    features: { normalizeRows: true, bias: { kind: 'normal', std: 0.5 } },
  };
  const [kHalf, kXor] = split(kTasks, 2);
  const downstream = {
    halfspace: drawTask(kHalf, { kind: 'halfspace' }, gt),
    xor: drawTask(kXor, { kind: 'xor', subset: [0, 1] }, gt),
  };
  for (const name of names) {
    const start = performance.now();
    const rep = BASELINES[name](kMethod, setup);
    const seconds = (performance.now() - start) / 1000;
    const acc = (task: keyof typeof downstream) =>
      evaluateDownstream(kEval, {
        features: rep.features,
        task: downstream[task],
        gt,
        nTrain: 200,
        nTest: 2000,
      });
    const half = acc('halfspace');
    const xor = acc('xor');
    const row: Row = {
      energy: subspaceEnergy(rep.layer.w, gt),
      coverage: coverage(rep.layer.w, gt, { normalizeRows: true }).ratio,
      halfspace: half.testAccuracy,
      xor: xor.testAccuracy,
      seconds,
    };
    (rows[name] ??= []).push(row);
    console.log(
      JSON.stringify({
        seed,
        repetition: s,
        method: name,
        ...row,
        converged: half.converged && xor.converged,
      }),
    );
  }
}

const fmt = (xs: number[]) => {
  const { mean, stderr } = meanStderr(xs);
  return Number.isNaN(stderr) ? mean.toFixed(3) : `${mean.toFixed(3)} ± ${stderr.toFixed(3)}`;
};
console.log(`\nseed ${seed}, ${seeds} repetition(s): mean ± standard error`);
console.log(
  ['method', 'energy', 'coverage s_r/s_1', 'halfspace acc', 'xor acc', 'seconds'].join(' | '),
);
for (const name of names) {
  const rs = rows[name];
  console.log(
    [
      name,
      fmt(rs.map((x) => x.energy)),
      fmt(rs.map((x) => x.coverage)),
      fmt(rs.map((x) => x.halfspace)),
      fmt(rs.map((x) => x.xor)),
      fmt(rs.map((x) => x.seconds)),
    ].join(' | '),
  );
}
