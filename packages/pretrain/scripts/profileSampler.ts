/**
 * One pretraining round with the explicit and the projected sampler, on one thread (wasm
 * backend, float32, halfspace tasks, correlation loss, one head step, r = 4, m = 256,
 * n1 = n2 = 1024 unless told). Run from packages/pretrain:
 *
 *   node --import tsx --conditions=@mtrl/source scripts/profileSampler.ts \
 *     [--d 1024] [--T 256] [--m 256] [--n 1024] [--only explicit|projected] [--threads 2]
 *
 * With `--threads`, `pretrainAsync` runs the tasks on that many worker threads.
 * Two rounds run; the second is timed (the first warms up the kernels). Printed per sampler:
 * the round's wall time, the mean time per task (between task events), and the round's own
 * part outside the tasks (before the first task: the basis; after the last: the layer
 * gradient's remainder, the optimizer step and the row normalisation).
 */
import { pretrain, pretrainAsync, suiteSource } from '@mtrl/pretrain';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, setBackend, split } from '@mtrl/tensors';

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const d = opt('d', 1024);
const T = opt('T', 256);
const m = opt('m', 256);
const n = opt('n', 1024);
const threads = opt('threads', 0);

setBackend('wasm');
const [kg, ks] = split(key(2));
const gt = groundTruth(kg, { d, r: 4, dtype: 'float32' });
const source = suiteSource<'float32'>(gt, taskSuite(ks, { kind: 'halfspace' }, gt, T));
for (const sampler of ['explicit', 'projected'] as const) {
  if (only !== undefined && only !== sampler) continue;
  const ends: number[] = [];
  const tasks: number[] = [];
  const config = {
    m,
    n1: n,
    n2: n,
    alpha: 1,
    eta: 1,
    rounds: 2,
    dtype: 'float32' as const,
    sampler,
  };
  const options = {
    onTask: (e: { round: number; elapsedMs: number }) =>
      void (e.round === 2 && tasks.push(e.elapsedMs)),
    onRound: (e: { elapsedMs: number }) => void ends.push(e.elapsedMs),
  };
  const res =
    threads > 0
      ? await pretrainAsync(key(0), source, config, { ...options, threads })
      : pretrain(key(0), source, config, options);
  const round = ends[2] - ends[1];
  const perTask = (tasks[T - 1] - tasks[0]) / (T - 1);
  const outside = round - perTask * T;
  console.log(
    `${sampler} d=${d} m=${m} T=${T} n1=n2=${n}${threads > 0 ? ` threads=${threads}` : ''}: round ${(round / 1000).toFixed(2)} s, ${perTask.toFixed(1)} ms per task, ${(outside / 1000).toFixed(2)} s outside the tasks (status ${res.status}); maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}
