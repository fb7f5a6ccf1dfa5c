/**
 * Where the time of a canonical pretraining round goes (the specification's workload size: d = 1024, r = 4, m = 256,
 * n1 = n2 = 1024, float32, halfspace tasks, correlation loss, one head step), on the wasm
 * backend. Run from packages/pretrain, under the benchmark lock:
 *
 *   flock /tmp/mtrl-bench.lock node --import tsx --conditions=@mtrl/source \
 *     scripts/profileRound.ts [phases|rounds|all] [--tasks 32] [--T 64] [--repeats 3]
 *
 * - `phases`: runs `--tasks` tasks of a round on 1 thread, then on 2 worker threads at once
 *   (each its own tasks), and reports the mean milliseconds per task of each phase: sampling S1
 *   and S2, X1 W^T (+ head step), X2 W^T + loss, the masked product; with the allocating APIs
 *   (`alloc`: `source.sample`, `hidden`, `addLayerGrads`) and with reused workspaces (`reuse`:
 *   `source.sampleInto`, `hiddenInto`, `addLayerGradsInto`). If the per-task times grow on two
 *   threads, the work itself does not scale (memory bandwidth, page faults, GC).
 * - `rounds`: wall time of a round of `--T` tasks (T = 256 is the canonical round) with
 *   `pretrain`, `pretrainAsync` on 1 and 2 threads, interleaved, medians of `--repeats`, after a
 *   warm-up round (pool start-up not timed), with the main thread's busy time in the round.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  addLayerGrads,
  headLossAndGrad,
  hidden,
  initLayer,
  type Layer,
  layerGradWorkspace,
} from '@mtrl/network';
import { pretrain, pretrainAsync, runKeys, suiteSource, type TaskSource } from '@mtrl/pretrain';
import { batchKey, groundTruth, taskSuite } from '@mtrl/tasks';
import {
  axpyInto,
  copy,
  gemmInto,
  type Key,
  key,
  type Matrix,
  normalInto,
  setBackend,
  split,
  type Vector,
  zeros,
} from '@mtrl/tensors';

const SHAPE = { d: 1024, r: 4, m: 256, n1: 1024, n2: 1024 };
type Variant = 'alloc' | 'reuse';

function args() {
  const a = process.argv.slice(2);
  const opt = (name: string, def: number) => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 ? Number(a[i + 1]) : def;
  };
  const mode = a.find((s) => !s.startsWith('--') && Number.isNaN(Number(s))) ?? 'all';
  const i = a.indexOf('--only');
  return {
    mode,
    tasks: opt('tasks', 32),
    T: opt('T', 64),
    repeats: opt('repeats', 3),
    verbose: a.includes('--verbose'),
    only: i >= 0 ? a[i + 1] : undefined,
  };
}

function canonicalSource(T: number): TaskSource<'float32'> {
  const [kg, ks] = split(key(2));
  const gt = groundTruth(kg, { d: SHAPE.d, r: SHAPE.r, dtype: 'float32' });
  return suiteSource<'float32'>(gt, taskSuite(ks, { kind: 'halfspace' }, gt, T));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

type Phases = Record<'sample1' | 'sample2' | 'head' | 'forward2' | 'masked' | 'total', number>;

/** Runs tasks [t0, t0 + count) of round 1 and times each phase (ms per task). */
function timeTasks(t0: number, count: number, variant: Variant): Phases {
  setBackend('wasm');
  const source = canonicalSource(256);
  const keys = runKeys(key(0));
  const { d, m, n1, n2 } = SHAPE;
  const layer: Layer<'float32'> = initLayer(keys.init, { d, m, dtype: 'float32' });
  const acc = { w: zeros([m, d] as const, { dtype: 'float32' }) };
  const head = zeros([m] as const, { dtype: 'float32' });
  const sum: Phases = { sample1: 0, sample2: 0, head: 0, forward2: 0, masked: 0, total: 0 };
  const ws = variant === 'reuse' ? reuseWorkspace(source) : undefined;
  const start = now();
  for (let i = 0; i < count + 1; i++) {
    const t = (t0 + i) % 256;
    const c0 = now();
    let s1: { x: Matrix<'float32'>; y: Vector<'float32'> };
    let s2: { x: Matrix<'float32'>; y: Vector<'float32'> };
    let h1: Matrix<'float32'>;
    // As in a round: S1, head step, then S2 (into the same buffer when reused).
    if (ws) s1 = ws.sample(t, batchKey(keys.data, 1, t, 'head'), n1, 0);
    else s1 = source.sample(t, batchKey(keys.data, 1, t, 'head'), n1, 'float32');
    const c1 = now();
    if (ws) h1 = ws.hidden(layer, s1.x);
    else h1 = hidden(layer, s1.x);
    const a = copy(head);
    const { grad } = headLossAndGrad(h1, a, s1.y, 'correlation');
    axpyInto(a, -1, grad);
    const c2 = now();
    if (ws) s2 = ws.sample(t, batchKey(keys.data, 1, t, 'layer'), n2, 1);
    else s2 = source.sample(t, batchKey(keys.data, 1, t, 'layer'), n2, 'float32');
    const c3 = now();
    // addLayerGrads does the forward and the masked product; time them apart with a forward.
    if (ws) ws.forward(layer, s2.x);
    else hidden(layer, s2.x);
    const c4 = now();
    acc.w.data.fill(0);
    if (ws) ws.addLayerGrads(layer, a, s2, acc);
    else addLayerGrads(layer, a, s2, 'correlation', acc, 1 / 256);
    const c5 = now();
    if (i === 0) continue; // warm-up
    sum.sample1 += c1 - c0;
    sum.head += c2 - c1;
    sum.sample2 += c3 - c2;
    sum.forward2 += c4 - c3;
    // The masked product alone: addLayerGrads minus its forward.
    sum.masked += c5 - c4 - (c4 - c3);
    sum.total += c5 - c0 - (c4 - c3);
  }
  void start;
  for (const k of Object.keys(sum) as (keyof Phases)[]) sum[k] /= count;
  return sum;
}

/** Reused buffers for the `reuse` variant: one sample buffer, the features, the forward. */
function reuseWorkspace(source: TaskSource<'float32'>) {
  const { d, m, n1 } = SHAPE;
  const sampleInto = source.sampleInto;
  if (!sampleInto) throw new Error('profileRound: the source has no sampleInto');
  const batch = {
    x: zeros([n1, d] as const, { dtype: 'float32' }),
    y: zeros([n1] as const, { dtype: 'float32' }),
  };
  const h = zeros([n1, m] as const, { dtype: 'float32' });
  const gws = layerGradWorkspace(n1, m, 'float32');
  return {
    sample(t: number, k: Key, _n: number, _slot: number) {
      sampleInto(t, k, batch);
      return batch;
    },
    hidden(l: Layer<'float32'>, x: Matrix<'float32'>) {
      return hidden(l, x, h);
    },
    forward(l: Layer<'float32'>, x: Matrix<'float32'>) {
      hidden(l, x, h);
    },
    addLayerGrads(
      l: Layer<'float32'>,
      a: Vector<'float32'>,
      b: { x: Matrix<'float32'>; y: Vector<'float32'> },
      acc: { w: Matrix<'float32'> },
    ) {
      addLayerGrads(l, a, b, 'correlation', acc, 1 / 256, gws);
    },
  };
}

function runPhasesWorker<R = Phases>(
  t0: number,
  count: number,
  variant: Variant | 'ceiling',
): Promise<R> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it, then import this file.
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(code, {
      eval: true,
      workerData: { t0, count, variant },
      execArgv: ['--conditions=@mtrl/source'],
    });
    w.once('message', (p: R) => {
      resolve(p);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

const fmt = (p: Phases) =>
  (Object.keys(p) as (keyof Phases)[]).map((k) => `${k} ${p[k].toFixed(1)}`).join('  ');

async function phases(tasks: number) {
  for (const variant of ['alloc', 'reuse'] as const) {
    const one = await runPhasesWorker(0, tasks, variant);
    console.log(`phases ${variant} 1 thread  (ms/task): ${fmt(one)}`);
    const w0 = now();
    const two = await Promise.all([
      runPhasesWorker(0, tasks, variant),
      runPhasesWorker(128, tasks, variant),
    ]);
    const wall = now() - w0;
    for (const [i, p] of two.entries())
      console.log(`phases ${variant} 2 threads #${i} (ms/task): ${fmt(p)}`);
    console.log(
      `phases ${variant}: per-task total on 2 threads / 1 thread = ${(
        (two[0].total + two[1].total) / 2 / one.total
      ).toFixed(
        2,
      )} (1.00 = perfect scaling); 2-thread wall incl. start-up ${(wall / 1000).toFixed(1)} s`,
    );
  }
}

/** Pure kernels, no allocation: ms per X W^T (wasm GEMM, [1024, 1024] x [256, 1024]^T) and per 2^20 normals. */
function ceilingWork(count: number): { gemm: number; normals: number } {
  setBackend('wasm');
  const x = zeros([1024, 1024] as const, { dtype: 'float32' });
  normalInto(key(1), x);
  const w = zeros([256, 1024] as const, { dtype: 'float32' });
  normalInto(key(2), w);
  const z = zeros([1024, 256] as const, { dtype: 'float32' });
  gemmInto(z, x, w, { transB: true });
  let t = now();
  for (let i = 0; i < count; i++) gemmInto(z, x, w, { transB: true });
  const gemm = (now() - t) / count;
  t = now();
  for (let i = 0; i < count; i++) normalInto(key(i), x);
  return { gemm, normals: (now() - t) / count };
}

/** How well the machine itself runs the kernels on both cores: 1 worker alone, then 2 at once. */
async function ceiling(count: number) {
  type C = { gemm: number; normals: number };
  const ratios: { gemm: number; normals: number }[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const one = await runPhasesWorker<C>(0, count, 'ceiling');
    const two = await Promise.all([0, 1].map(() => runPhasesWorker<C>(0, count, 'ceiling')));
    const r = {
      gemm: (two[0].gemm + two[1].gemm) / 2 / one.gemm,
      normals: (two[0].normals + two[1].normals) / 2 / one.normals,
    };
    ratios.push(r);
    console.log(
      `ceiling: X W^T ${one.gemm.toFixed(1)} ms alone, ${two.map((c) => c.gemm.toFixed(1)).join(' / ')} ms on 2 threads; 2^20 normals ${one.normals.toFixed(1)} ms alone, ${two.map((c) => c.normals.toFixed(1)).join(' / ')} ms on 2 threads`,
    );
  }
  console.log(
    `ceiling: median slow-down per kernel call on 2 threads: gemm ${median(ratios.map((r) => r.gemm)).toFixed(2)}, normals ${median(ratios.map((r) => r.normals)).toFixed(2)} (1.00 = the cores do not slow each other)`,
  );
}

async function rounds(T: number, repeats: number, verbose: boolean, only?: string) {
  setBackend('wasm');
  const source = canonicalSource(T);
  const config = {
    m: SHAPE.m,
    n1: SHAPE.n1,
    n2: SHAPE.n2,
    alpha: 1,
    eta: 1,
    rounds: 2,
    dtype: 'float32' as const,
  };
  const kinds = (['pretrain', 'async1', 'async2'] as const).filter(
    (k) => !only || only.split(',').includes(k),
  );
  const got: Record<string, number[]> = { pretrain: [], async1: [], async2: [] };
  const busy: Record<string, number[]> = { pretrain: [], async1: [], async2: [] };
  for (let rep = 0; rep < repeats; rep++) {
    for (const kind of kinds) {
      const cpu0 = process.cpuUsage();
      const taskTimes: number[] = [];
      const onTask = (e: { round: number; elapsedMs: number }) => {
        if (e.round === 2) taskTimes.push(e.elapsedMs);
      };
      const res =
        kind === 'pretrain'
          ? pretrain(key(0), source, config, { onTask })
          : await pretrainAsync(key(0), source, config, {
              threads: kind === 'async1' ? 1 : 2,
              onTask,
            });
      if (verbose) {
        const gaps = taskTimes.slice(1).map((t, i) => t - taskTimes[i]);
        console.log(`  ${kind} task gaps ms: ${gaps.map((g) => g.toFixed(0)).join(' ')}`);
      }
      const cpu = process.cpuUsage(cpu0);
      const h = res.history.map((e) => e.elapsedMs / 1000);
      got[kind].push(h[2] - h[1]);
      // Whole-process CPU seconds (all threads) over both rounds and start-up.
      busy[kind].push((cpu.user + cpu.system) / 1e6);
    }
  }
  for (const kind of kinds)
    console.log(
      `round T=${T} ${kind}: median ${median(got[kind]).toFixed(2)} s [${got[kind].map((s) => s.toFixed(2)).join(', ')}]; process CPU for 2 rounds ${median(busy[kind]).toFixed(1)} s`,
    );
  if (got.pretrain.length && got.async2.length)
    console.log(
      `speed-up pretrain / async2 = ${(median(got.pretrain) / median(got.async2)).toFixed(2)}`,
    );
  console.log(`maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

if (!isMainThread) {
  const data = workerData as { t0: number; count: number; variant: Variant | 'ceiling' };
  parentPort?.postMessage(
    data.variant === 'ceiling'
      ? ceilingWork(data.count)
      : timeTasks(data.t0, data.count, data.variant),
  );
} else {
  const { mode, tasks, T, repeats, verbose, only } = args();
  if (mode === 'ceiling') await ceiling(tasks);
  if (mode === 'phases' || mode === 'all') await phases(tasks);
  if (mode === 'rounds' || mode === 'all') await rounds(T, repeats, verbose, only);
}
