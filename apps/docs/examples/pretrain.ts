// @mtrl/pretrain: multi-task pretraining with per-round events and probes.
import type { Layer } from '@mtrl/network';
import { pretrain, pretrainAsync, suiteSource } from '@mtrl/pretrain';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { frobeniusNorm, key, matmul, split } from '@mtrl/tensors';

// The run's randomness is its key, the first argument: same key, same run, bit for bit.
const [kGt, kTasks, kRun] = split(key(0), 3);
const gt = groundTruth(kGt, { d: 64, r: 2 });
const source = suiteSource(gt, taskSuite(kTasks, { kind: 'halfspace' }, gt, 32));

// Subspace energy ||W M^T||_F^2 / ||W||_F^2, written with @mtrl/tensors only
// (@mtrl/probes has it as subspaceEnergy).
const energy = (layer: Layer) =>
  frobeniusNorm(matmul(layer.w, gt.m, { transB: true })) ** 2 / frobeniusNorm(layer.w) ** 2;

// The analysed setting: one big step, zero heads, correlation loss, unit rows.
const config = { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
const res = pretrain(kRun, source, config, {
  probes: { energy },
  onRound: (e) => console.log(`round ${e.round}: energy ${e.probes.energy.toFixed(3)}`),
});
console.log(res.status, res.layer.w.shape, res.heads.shape); // completed [64, 64] [32, 64]

// Several rounds with a smaller step, yielding to the event loop after every task
// (progress bars, AbortSignal); return 'stop' from onRound to end early.
const controller = new AbortController();
const run = await pretrainAsync(
  kRun,
  source,
  { ...config, eta: 30, rounds: 5 },
  {
    probes: { energy },
    signal: controller.signal,
    onRound: (e) => (e.probes.energy > 0.95 ? 'stop' : undefined),
  },
);
console.log(
  run.status,
  run.history.map((e) => e.probes.energy.toFixed(2)),
);

// Other algorithms in the same engine, by name: from the same key they start from the same
// initial layer, so only the algorithm differs.
const fewRounds = { ...config, loss: 'logistic', eta: 8, alpha: 0.5, rounds: 10 } as const;
for (const algorithm of ['paper', 'joint-sgd', 'fomaml', 'anil'] as const) {
  const r = pretrain(kRun, source, { ...fewRounds, algorithm });
  console.log(algorithm.padEnd(9), r.status, `energy ${energy(r.layer).toFixed(2)}`);
}
