import { freemem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { StudyConfig } from './config.js';
import { pointConfig, type Unit, unitCost, unitsOfSeed } from './reproduce/experiments.js';
import type { ReproduceSize } from './reproduce/sizes.js';
import { UsageError } from './usageError.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** Node, the bench's modules and the WebAssembly arena: what a process holds before any study (measured: 80 MB). */
const PROCESS_BYTES = 96 * MiB;
/** A worker thread with the packages loaded and its own WebAssembly arena. */
const THREAD_BYTES = 48 * MiB;
/** The garbage collector keeps freed arrays for a while: measured peaks are about twice the live data. */
const GC_SLACK = 2;
/** One drawn task besides its parameters, and one method-seed run as an object and as JSON. */
const TASK_BYTES = 512;
const RUN_BYTES = 4096;
/** One finished reproduction unit in memory: its journal record, result and measurements. */
const UNIT_BYTES = 64 * 1024;
/** A work estimate is stated in time at this speed (one core, wasm GEMM). */
const FLOPS_PER_SECOND = 50e9;
/** The fixed cost of one pretraining task step (calls, buffers, key derivation), about 20 us, in FLOP. */
const TASK_OVERHEAD = 1e6;

/**
 * The default work limit, 1000 TFLOP: about 6 hours at 50 GFLOP/s, 12 times the estimate of the
 * whole paper reproduction (80 TFLOP). `--max-work` raises it.
 */
export const DEFAULT_MAX_TFLOP = 1000;

/** The memory and work an invocation implies, estimated before anything is allocated. */
export interface Estimate {
  /** Peak bytes of the process (worker threads included). */
  readonly bytes: number;
  /** Of those, the bytes of JavaScript objects and arrays in one thread's V8 heap, which has its own limit. */
  readonly heapBytes: number;
  /** Floating-point operations. */
  readonly flops: number;
  /** The sizes behind the estimate: `d = 1000000000, m = 16, T = 4, n1 = n2 = 64`. */
  readonly sizes: string;
  /** The largest allocations at the peak, largest first. */
  readonly largest: readonly Allocation[];
}

/** One named allocation of an estimate. */
export interface Allocation {
  readonly what: string;
  readonly bytes: number;
  /** JavaScript objects and arrays (in the V8 heap), rather than typed arrays. */
  readonly heap?: boolean;
}

/** What an invocation may use. */
export interface Limits {
  readonly maxBytes: number;
  /** The V8 heap limit of a thread (`node --max-old-space-size`). */
  readonly maxHeapBytes: number;
  readonly maxFlops: number;
  /** Whether `maxBytes` is the machine's free memory (the default) or given with --max-memory. */
  readonly memoryFromFlag: boolean;
  readonly workFromFlag: boolean;
}

/** The limits of this machine now, or those given by `--max-memory <GiB>` and `--max-work <TFLOP>`. */
export function limitsOf(opts: { maxMemory?: number; maxWork?: number } = {}): Limits {
  return {
    maxBytes: opts.maxMemory === undefined ? freemem() : opts.maxMemory * GiB,
    maxHeapBytes: getHeapStatistics().heap_size_limit,
    maxFlops: (opts.maxWork ?? DEFAULT_MAX_TFLOP) * 1e12,
    memoryFromFlag: opts.maxMemory !== undefined,
    workFromFlag: opts.maxWork !== undefined,
  };
}

/** The limits a queue worker's threads use: those of the `mtrl-bench worker` command, from the environment. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return limitsOf({
    maxMemory: num(env.MTRL_MAX_MEMORY_GIB),
    maxWork: num(env.MTRL_MAX_WORK_TFLOP),
  });
}

/** An invocation whose estimate exceeds a limit; refused before anything runs (exit code 2). */
export class BudgetError extends UsageError {
  override name = 'BudgetError';
}

/** `1.5 GiB`, `12 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < GiB) return `${Math.max(1, Math.round(bytes / MiB))} MiB`;
  const units = ['GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes / GiB;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `4.2 TFLOP`, `380 PFLOP`. */
function formatFlops(flops: number): string {
  const units: [string, number][] = [
    ['EFLOP', 1e18],
    ['PFLOP', 1e15],
    ['TFLOP', 1e12],
    ['GFLOP', 1e9],
  ];
  const [name, size] = units.find(([, u]) => flops >= u) ?? units[3];
  const v = flops / size;
  return `${v >= 100 ? Math.round(v) : v >= 1 ? v.toFixed(1) : v.toPrecision(3)} ${name}`;
}

function formatWork(flops: number): string {
  const seconds = flops / FLOPS_PER_SECOND;
  const time =
    seconds >= 86400 * 365
      ? `${Math.round(seconds / (86400 * 365))} years`
      : seconds >= 86400
        ? `${(seconds / 86400).toFixed(1)} days`
        : seconds >= 3600
          ? `${(seconds / 3600).toFixed(1)} h`
          : `${Math.ceil(seconds / 60)} min`;
  return `${formatFlops(flops)} (about ${time} at 50 GFLOP/s)`;
}

/**
 * Refuses `estimate` when it needs more memory or work than `limits` allow, naming the estimate,
 * its largest allocations and the flag that changes the limit.
 *
 * @throws {BudgetError}
 */
export function checkBudget(what: string, estimate: Estimate, limits: Limits): void {
  if (!(estimate.bytes <= limits.maxBytes)) {
    const parts = estimate.largest
      .slice(0, 3)
      .map((a) => `${a.what}: ${formatBytes(a.bytes)}`)
      .join('; ');
    const limit = limits.memoryFromFlag
      ? `limit (--max-memory): ${formatBytes(limits.maxBytes)}`
      : `free: ${formatBytes(limits.maxBytes)}`;
    throw new BudgetError(
      `${what} needs about ${formatBytes(estimate.bytes)} of memory for ${estimate.sizes} (${parts}); ${limit}; pass --max-memory <GiB> to change the limit`,
    );
  }
  if (!(estimate.heapBytes <= limits.maxHeapBytes)) {
    const parts = estimate.largest
      .filter((a) => a.heap)
      .slice(0, 3)
      .map((a) => `${a.what}: ${formatBytes(a.bytes)}`)
      .join('; ');
    throw new BudgetError(
      `${what} needs about ${formatBytes(estimate.heapBytes)} of JavaScript heap for ${estimate.sizes} (${parts}); the V8 heap limit is ${formatBytes(limits.maxHeapBytes)}; start node with --max-old-space-size=<MiB> (for example in NODE_OPTIONS) to raise it`,
    );
  }
  if (!(estimate.flops <= limits.maxFlops)) {
    throw new BudgetError(
      `${what} needs about ${formatWork(estimate.flops)} of work for ${estimate.sizes}; limit${limits.workFromFlag ? ' (--max-work)' : ''}: ${Number((limits.maxFlops / 1e12).toPrecision(3))} TFLOP; pass --max-work <TFLOP> to change the limit`,
    );
  }
}

/** A list of allocations alive at the same time. */
class Tally {
  readonly items: Allocation[] = [];
  add(what: string, bytes: number, heap = false): this {
    if (bytes > 0) this.items.push(heap ? { what, bytes, heap } : { what, bytes });
    return this;
  }
  get bytes(): number {
    return this.items.reduce((s, a) => s + a.bytes, 0);
  }
  get heapBytes(): number {
    return this.items.reduce((s, a) => s + (a.heap ? a.bytes : 0), 0);
  }
}

const heaviest = (tallies: readonly Tally[]) =>
  tallies.reduce((a, b) => (b.bytes > a.bytes ? b : a), new Tally());

type Family = StudyConfig['family'];

/** Bytes of one drawn task's object and parameters (JavaScript arrays: 8 bytes a number and more). */
function taskBytes(f: Family, r: number): number {
  if (f.kind === 'teacher') return TASK_BYTES + (f.width ?? 8) * (r + 2) * 16;
  if (f.kind === 'halfspace') return TASK_BYTES + (f.direction?.length ?? r) * 8;
  return TASK_BYTES + (f.subset?.length ?? Math.min(f.subsetSize ?? r, r)) * 8;
}

/** The live data of training one method and probing its layer. */
function methodMemory(name: string, cfg: StudyConfig): Tally {
  const { d, r } = cfg.groundTruth;
  const p = cfg.pretrain;
  const b = p.dtype === 'float64' ? 8 : 4;
  const { m } = p;
  const t = new Tally();
  const T = name === 'singleTask' ? 1 : p.T;
  const shape = (rows: number | string, cols: number | string) => `[${rows}, ${cols}]`;
  if (name === 'oracle') t.add(`oracle layer ${shape(m, d)} float64`, m * d * 8);
  else if (name === 'methodOfMoments') {
    const k = Math.min(Math.max(T, r), d);
    t.add(
      `moments ${shape(Math.max(T, r), d)} and their SVD, float64`,
      (3 * Math.max(T, r) * d + d * k + k * k) * 8,
    );
    t.add(`moment samples ${shape(p.n1 + p.n2, d)}`, (p.n1 + p.n2) * d * 4);
    t.add(`layer ${shape(m, d)} float64`, m * d * 8);
  } else {
    const states = p.optimizer?.kind === 'adam' ? 2 : p.optimizer?.kind === 'momentum' ? 1 : 0;
    const grads = name === 'jointSgd' ? 2 : 1;
    t.add(
      `first layer, gradient and optimizer state ${1 + grads + states} x ${shape(m, d)} ${p.dtype}`,
      (1 + grads + states) * m * d * b,
    );
    t.add(
      `heads ${shape(T, m)} ${name === 'jointSgd' ? 'x 3 ' : ''}${p.dtype}`,
      (name === 'jointSgd' ? 3 : 1) * T * m * b,
    );
    if (name !== 'randomFeatures') {
      const n = name === 'jointSgd' ? 64 : Math.max(p.n1, p.n2);
      if (projectedPretraining(name, cfg)) {
        // Samples in the basis [k, d] of [W; M]; the rest of R^d enters once a round as one
        // [m, d] Gaussian (docs: Specification, 'The projected sampler').
        const k = projectedK(cfg);
        t.add(`projection basis ${shape(k, d)} float64 and its QR`, 2 * k * d * 8);
        t.add(`round remainder: Gaussian and products ${shape(`2 x ${m}`, d)}`, 2 * m * d * b);
        t.add(`task samples in the basis ${shape(n, k)} ${p.dtype}`, n * k * b);
      } else t.add(`task samples ${shape(n, d)} ${p.dtype}`, n * d * b);
      t.add(`hidden activations ${shape(`${p.n1} + 3 x ${p.n2}`, m)}`, (p.n1 + 3 * p.n2) * m * b);
    }
  }
  const k = Math.min(m, d);
  t.add(
    `probe features and the SVD of the layer ${shape(m, d)} float64`,
    (4 * m * d + d * k + k * k) * 8,
  );
  return t;
}

/** The width k = min(m + r, d) of the projected sampler's basis of the rows of W and M. */
function projectedK(cfg: StudyConfig): number {
  return Math.min(cfg.pretrain.m + cfg.groundTruth.r, cfg.groundTruth.d);
}

/** Whether method `name` pretrains through the projected sampler (the methods that call pretrain with the study's config). */
function projectedPretraining(name: string, cfg: StudyConfig): boolean {
  return (
    cfg.pretrain.sampler === 'projected' &&
    ['multiTask', 'singleTask', 'fixedHeads', 'jointSgd'].includes(name)
  );
}

/** The live data of one downstream evaluation (one task, one method). */
function downstreamMemory(cfg: StudyConfig): Tally {
  const { d } = cfg.groundTruth;
  const { m } = cfg.pretrain;
  const { nTrain, nTest } = cfg.downstream;
  if (cfg.downstream.sampler === 'projected') {
    const k = projectedK(cfg);
    return new Tally()
      .add(`downstream basis [${k}, ${d}] float64 and its QR`, 2 * k * d * 8)
      .add(`downstream samples [${nTrain} + ${nTest}, ${k}] float64`, (nTrain + nTest) * k * 8)
      .add(`downstream features [${nTrain} + ${nTest}, ${m}] float64`, (nTrain + nTest) * m * 8)
      .add(`probe Newton system [${m + 1}, ${m + 1}] float64`, 2 * (m + 1) * (m + 1) * 8);
  }
  return new Tally()
    .add(`downstream samples [${nTrain} + ${nTest}, ${d}] float64`, (nTrain + nTest) * d * 8)
    .add(`downstream features [${nTrain} + ${nTest}, ${m}] float64`, (nTrain + nTest) * m * 8)
    .add(`probe Newton system [${m + 1}, ${m + 1}] float64`, 2 * (m + 1) * (m + 1) * 8);
}

/** Peak live bytes of a study (without the process itself) and what they are. */
function studyMemory(cfg: StudyConfig): Tally {
  const { d, r } = cfg.groundTruth;
  const p = cfg.pretrain;
  const out = new Tally();
  out.add(
    `ground truth M [${r}, ${d}] and a float64 copy`,
    r * d * ((p.dtype === 'float64' ? 8 : 4) + 8),
  );
  out.add(`${p.T} pretraining tasks (${cfg.family.kind})`, p.T * taskBytes(cfg.family, r), true);
  out.add(
    `${cfg.downstream.tasks.length} downstream tasks`,
    cfg.downstream.tasks.reduce((s, t) => s + taskBytes(t.family, r), 0),
    true,
  );
  // The centres are k arrays of r numbers, and a checked copy of them.
  if (cfg.inputs.kind === 'mixture')
    out.add(
      `input mixture centres [${cfg.inputs.k}, ${r}] and a copy`,
      2 * cfg.inputs.k * (64 + 8 * r),
      true,
    );
  const method = heaviest(cfg.methods.map((name) => methodMemory(name, cfg)));
  for (const a of [...method.items, ...downstreamMemory(cfg).items])
    out.add(a.what, a.bytes * GC_SLACK);
  out.add(
    `${cfg.seeds} seeds x ${cfg.methods.length} method runs`,
    cfg.seeds * cfg.methods.length * RUN_BYTES,
    true,
  );
  return out;
}

/** Floating-point operations of one seed of a study. */
function studySeedWork(cfg: StudyConfig): number {
  const { d, r } = cfg.groundTruth;
  const p = cfg.pretrain;
  const { m, n1, n2 } = p;
  const headSteps =
    p.head.mode === 'step'
      ? (p.head.steps ?? 1)
      : p.head.mode === 'fit'
        ? 4 * (p.head.maxIter ?? 100)
        : 0;
  // Forward on S1, head steps, forward and layer gradient on S2, normal draws.
  const explicitTask =
    TASK_OVERHEAD + (2 * n1 + 4 * n2) * d * m + 2 * headSteps * n1 * m + 10 * (n1 + n2) * d;
  // Projected: every task works in the basis of k = m + r directions; once a round, the basis
  // (CholeskyQR2, about 4 k^2 d), an [m, d] Gaussian and three products of m d (m + 2 k) in all.
  const kp = projectedK(cfg);
  const projectedTask =
    TASK_OVERHEAD +
    2 * ((n1 + 2 * n2) * m * kp + n2 * m * m) +
    2 * headSteps * n1 * m +
    10 * (n1 + n2) * kp;
  const projectedRound = 8 * kp * kp * d + 2 * m * d * (m + 2 * kp) + 10 * m * d;
  const projected = (name: string) => projectedPretraining(name, cfg);
  const task = (name: string) => (projected(name) ? projectedTask : explicitTask);
  const round = (name: string) => (projected(name) ? projectedRound : 0);
  const k = Math.min(m, d);
  const { nTrain, nTest } = cfg.downstream;
  const probeFit = 50 * (2 * nTrain * (m + 1) ** 2 + (m + 1) ** 3);
  const evaluation =
    cfg.downstream.sampler === 'projected'
      ? (2 * m + 10) * (nTrain + nTest) * kp + 8 * kp * kp * d + probeFit
      : (2 * m + 10) * (nTrain + nTest) * d + probeFit;
  let work = 0;
  for (const name of cfg.methods) {
    if (name === 'multiTask' || name === 'fixedHeads')
      work += p.rounds * (p.T * task(name) + round(name));
    else if (name === 'singleTask') work += p.rounds * (task(name) + round(name));
    else if (name === 'jointSgd') work += 100 * p.T * (TASK_OVERHEAD + 6 * 64 * d * m + 640 * d);
    else if (name === 'methodOfMoments') {
      const T = Math.max(p.T, r);
      work += 12 * T * (n1 + n2) * d + 10 * T * d * Math.min(T, d);
    } else work += 2 * m * d * r;
    work += 10 * m * d * k + cfg.downstream.tasks.length * evaluation;
  }
  return work;
}

function studySizes(cfg: StudyConfig): string {
  const g = cfg.groundTruth;
  const p = cfg.pretrain;
  const n = p.n1 === p.n2 ? `n1 = n2 = ${p.n1}` : `n1 = ${p.n1}, n2 = ${p.n2}`;
  const sampler =
    p.sampler === 'projected' || cfg.downstream.sampler === 'projected'
      ? `, sampler = ${p.sampler ?? 'explicit'} (pretrain) / ${cfg.downstream.sampler ?? 'explicit'} (downstream)`
      : '';
  return `d = ${g.d}, r = ${g.r}, m = ${p.m}, T = ${p.T}, ${n}, rounds = ${p.rounds}, seeds = ${cfg.seeds}${sampler}`;
}

const sorted = (t: Tally) => [...t.items].sort((a, b) => b.bytes - a.bytes);

/** The memory and work of running `cfg` (`mtrl-bench run`, one sweep point, one queued job). */
export function studyEstimate(cfg: StudyConfig): Estimate {
  const mem = studyMemory(cfg);
  return {
    bytes: PROCESS_BYTES + mem.bytes,
    heapBytes: mem.heapBytes,
    flops: cfg.seeds * studySeedWork(cfg),
    sizes: studySizes(cfg),
    largest: sorted(mem),
  };
}

/**
 * The memory and work of a local sweep over `configs`: the points run one after the other, so
 * the peak is the largest point's and the work is their sum.
 */
export function sweepEstimate(configs: readonly StudyConfig[]): Estimate {
  const each = configs.map(studyEstimate);
  const peak = each.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    bytes: peak.bytes,
    heapBytes: Math.max(...each.map((e) => e.heapBytes)),
    flops: each.reduce((s, e) => s + e.flops, 0),
    sizes: `${configs.length} point(s), the largest at ${peak.sizes}`,
    largest: peak.largest,
  };
}

/** The study a reproduction unit runs, for its memory. */
function unitConfig(size: ReproduceSize, u: Unit): StudyConfig {
  if (u.kind === 'energy') return pointConfig(size, u.d, Math.max(u.T, 1), size.tasks.m);
  if (u.kind === 'collapse') {
    const c = size.collapse;
    return pointConfig(size, c.d, c.T, c.m, { rounds: c.rounds, eta: c.eta });
  }
  if (u.kind === 'phase') return pointConfig(size, u.d, u.T, size.phase.m, { n1: u.n, n2: u.n });
  const n = size.dims.nPerD * u.d;
  const cfg = pointConfig(size, u.d, size.dims.T, size.dims.m, { n1: n, n2: n });
  return { ...cfg, methods: [u.method] };
}

/**
 * The memory and work of `mtrl-bench reproduce` at `size` with `seeds` seeds on `jobs` threads:
 * the largest unit on every thread at once, plus every finished unit's record. Only the units of
 * one seed are listed (every seed has the same), so a huge `seeds` costs nothing to estimate.
 */
export function reproduceEstimate(size: ReproduceSize, seeds: number, jobs: number): Estimate {
  const units = unitsOfSeed(size, 0);
  let peak = new Tally();
  let peakUnit = units[0];
  for (const u of units) {
    const t = studyMemory(unitConfig(size, u));
    if (t.bytes > peak.bytes) [peak, peakUnit] = [t, u];
  }
  const total = units.length * seeds;
  const threads = Math.max(1, Math.min(jobs, total));
  const out = new Tally();
  for (const a of peak.items)
    out.add(`${a.what}${threads > 1 ? ` x ${threads} threads` : ''}`, a.bytes * threads, a.heap);
  if (threads > 1) out.add(`${threads} worker threads`, threads * THREAD_BYTES);
  out.add(`${total} unit records`, total * UNIT_BYTES, true);
  const c = unitConfig(size, peakUnit);
  return {
    bytes: PROCESS_BYTES + out.bytes,
    // The records live in the main thread's heap, each unit's tasks in its own thread's.
    heapBytes: Math.max(total * UNIT_BYTES, threads > 1 ? peak.heapBytes : out.heapBytes),
    flops: 2 * seeds * units.reduce((s, u) => s + unitCost(size, u), 0),
    sizes: `size ${size.name}, seeds = ${seeds}, jobs = ${jobs} (${total} units; the largest at d = ${c.groundTruth.d}, m = ${c.pretrain.m}, T = ${c.pretrain.T}, n1 = n2 = ${c.pretrain.n1})`,
    largest: sorted(out),
  };
}
