import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { pretrain, pretrainAsync, suiteSource } from '@mtrl/pretrain';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import {
  type DType,
  type ElementwisePath,
  elementwisePath,
  gemmInto,
  getBackend,
  key,
  listBackends,
  normal,
  normalInto,
  setBackend,
  split,
  zeros,
} from '@mtrl/tensors';
import { measureClockGHz, simdFlopsPerCycle } from './clock.js';
import type { Progress } from './progress.js';
import { spawnWorker } from './spawnWorker.js';

/** Sizes of the pretraining rounds timed by `perf` (docs: Specification, 'Workload size'). */
export const ROUND_SIZES = {
  canonical: { d: 1024, r: 4, m: 256, T: 256, n1: 1024, n2: 1024 },
  quick: { d: 256, r: 4, m: 256, T: 64, n1: 1024, n2: 1024 },
  tiny: { d: 32, r: 2, m: 16, T: 4, n1: 64, n2: 64 },
  /** Where the projected sampler pays off: an explicit round here takes minutes. */
  large: { d: 16384, r: 4, m: 256, T: 256, n1: 1024, n2: 1024 },
} as const;

export type RoundSize = keyof typeof ROUND_SIZES;

/** How a timed round draws its samples (docs: Specification, 'The projected sampler'). */
export type Sampler = 'explicit' | 'projected';
export const SAMPLERS: readonly Sampler[] = ['explicit', 'projected'];

/** Options of {@link runPerf}. */
export interface PerfOptions {
  repeats: number;
  rounds: readonly RoundSize[];
  /** GEMM sizes: `workload` (1024x1024 by 1024x256), `tiny` for tests, `none` to skip GEMM and sampling. */
  gemm: 'workload' | 'tiny' | 'none';
  dtypes: readonly DType[];
  /**
   * Thread counts (default `[1]`): one pretraining-round row per count, and for each count > 1 a
   * GEMM throughput row (that many independent GEMMs running at once on as many workers).
   */
  threads?: readonly number[];
  /** Samplers of the timed rounds (default `['explicit']`): one row per sampler, side by side. */
  samplers?: readonly Sampler[];
  /**
   * Run a peer implementation after each of our rounds of a size it knows (`sizes`, default
   * {@link PEER_SIZES}); `python` defaults to /usr/bin/python3.
   */
  peer?: { kind: 'numpy'; script: string; python?: string; sizes?: readonly RoundSize[] };
}

/** The default `--peer-script`: ../shared/peers/numpy_step.py beside the repository root, if it exists. */
export function defaultPeerScript(): string | undefined {
  const path = fileURLToPath(new URL('../../../../shared/peers/numpy_step.py', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** What the numpy peer prints (one JSON line), with the fields `perf` reads. */
export interface PeerResult {
  readonly peer: string;
  readonly size: string;
  readonly dtype: string;
  readonly threads: string | null;
  readonly reps: number;
  readonly round_s: number;
  readonly sampling_s?: number;
  readonly math_s?: number;
  readonly math_gflops?: number;
  readonly normals_per_s?: number;
  readonly [field: string]: unknown;
}

/** Sizes the numpy peer script knows. */
export const PEER_SIZES: readonly RoundSize[] = ['quick', 'canonical'];

/**
 * Runs the numpy peer for one round size:
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=<threads> python3 <script>
 * --size <size> --dtype f32|f64 --reps <reps>` and parses the last line of its output as JSON.
 *
 * @throws {Error} naming the script when it is missing, python3 when it cannot start,
 *   python3-numpy when numpy is not installed, and the output when it is not the expected JSON
 */
export function runNumpyPeer(
  peer: { script: string; python?: string },
  size: RoundSize,
  dtype: DType,
  threads: number,
  reps: number,
): PeerResult {
  checkPeerScript(peer.script);
  const python = peer.python ?? '/usr/bin/python3';
  const args = [
    '-u',
    'OPENBLAS_CORETYPE',
    '-u',
    'OPENBLAS_L2_SIZE',
    `OPENBLAS_NUM_THREADS=${threads}`,
    python,
    peer.script,
    '--size',
    size,
    '--dtype',
    dtype === 'float32' ? 'f32' : 'f64',
    '--reps',
    String(reps),
  ];
  let out: string;
  try {
    out = execFileSync('env', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const stderr = String(err.stderr ?? '');
    if (/No module named ['"]?numpy/.test(stderr))
      throw new Error(
        `--peer numpy: ${python} has no numpy; install python3-numpy (Debian: apt-get install -y python3-numpy)`,
      );
    if (/No such file or directory/.test(stderr) && stderr.includes(python))
      throw new Error(`--peer numpy: ${python} not found; install python3 and python3-numpy`);
    throw new Error(
      `--peer numpy: \`env ${args.join(' ')}\` failed: ${stderr.trim() || err.message}`,
    );
  }
  const line = out.trim().split('\n').pop() ?? '';
  let doc: PeerResult;
  try {
    doc = JSON.parse(line) as PeerResult;
  } catch {
    throw new Error(
      `--peer numpy: expected one JSON line from ${peer.script}, got ${JSON.stringify(out.slice(0, 200))}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.round_s !== 'number')
    throw new Error(
      `--peer numpy: the output of ${peer.script} has no numeric round_s: ${line.slice(0, 200)}`,
    );
  return doc;
}

/** @throws {Error} when the peer script does not exist */
export function checkPeerScript(script: string): void {
  if (!existsSync(script))
    throw new Error(
      `--peer-script: ${script} does not exist (the numpy peer is ../shared/peers/numpy_step.py beside the repository root; pass its path with --peer-script)`,
    );
}

/** One timed measurement: the median and every repeat, in the unit given. */
export interface Timing {
  readonly median: number;
  readonly samples: readonly number[];
}

/** The `perf` report. */
export interface PerfReport {
  readonly backends: readonly {
    backend: string;
    threads: number;
    gemm: {
      op: string;
      dtype: DType;
      m: number;
      n: number;
      k: number;
      gflops: Timing;
      /** The clock probe's GHz, the mean of one probe right before and one right after. */
      clockGHz: number;
      /** Median GFLOP/s over the 128-bit SIMD peak at that clock (`simdFlopsPerCycle`). */
      peakFraction: number;
    }[];
    /**
     * Aggregate GFLOP/s of `threads` workers each running the same-shaped GEMM at once
     * (independent products, as pretraining's threads run them), for each thread count > 1.
     */
    gemmThroughput: {
      op: string;
      dtype: DType;
      m: number;
      n: number;
      k: number;
      threads: number;
      gflops: Timing;
      /** Aggregate over the single-thread figure of the same op and dtype. */
      speedup: number;
      /** The clock probe's GHz on the main thread, right before and after (mean). */
      clockGHz: number;
      /** Median aggregate GFLOP/s over `threads` x the 128-bit SIMD peak at that clock. */
      peakFraction: number;
    }[];
    /** `normal`: a fresh tensor per call (allocation included). */
    normals: { dtype: DType; perSecond: Timing }[];
    /** `normalInto`: into one preallocated buffer, on one thread (samples per second per core). */
    normalsInto: { dtype: DType; perSecond: Timing }[];
    rounds: {
      size: RoundSize;
      dtype: DType;
      /** Worker threads of `pretrainAsync` (1: the synchronous single-threaded `pretrain`). */
      threads: number;
      /** How the round drew its samples. */
      sampler: Sampler;
      seconds: Timing;
      shape: (typeof ROUND_SIZES)[RoundSize];
      /** The numpy peer's JSON for the same size, dtype and OPENBLAS_NUM_THREADS (with `--peer numpy`). */
      peer?: PeerResult;
      /** Our round seconds over the peer's `round_s` (below 1: we are faster). */
      oursOverPeer?: number;
    }[];
  }[];
  /** The same rounds on the js and the wasm backend: js seconds over wasm seconds. */
  readonly backendRatios: readonly {
    size: RoundSize;
    dtype: DType;
    threads: number;
    sampler: Sampler;
    jsSeconds: number;
    wasmSeconds: number;
    jsOverWasm: number;
  }[];
  /**
   * How @mtrl/tensors runs elementwise ops and reductions here: `loops` (plain strided loops,
   * no code generation) or `ndarray-ops` (its generated loops, where code generation is allowed).
   */
  readonly elementwisePath: ElementwisePath;
  readonly notes: readonly string[];
}

/** The GEMMs `perf` times: C = op(A) op(B) at [m, k] x [k, n]. */
export type GemmOp = 'A B' | 'A^T B' | 'A B^T';
const GEMM_OPS: readonly GemmOp[] = ['A B', 'A^T B', 'A B^T'];

/** Builds the operands of one GEMM (fixed keys) and returns a function computing it into C. */
export function gemmCase(op: GemmOp, dtype: DType, M: number, N: number, K: number): () => void {
  const [ka, kb] = split(key(1), 2);
  const c = zeros([M, N] as const, { dtype });
  if (op === 'A B') {
    const a = normal(ka, [M, K] as const, { dtype });
    const b = normal(kb, [K, N] as const, { dtype });
    return () => gemmInto(c, a, b);
  }
  if (op === 'A^T B') {
    const at = normal(ka, [K, M] as const, { dtype });
    const b = normal(kb, [K, N] as const, { dtype });
    return () => gemmInto(c, at, b, { transA: true });
  }
  const a = normal(ka, [M, K] as const, { dtype });
  const bt = normal(kb, [N, K] as const, { dtype });
  return () => gemmInto(c, a, bt, { transB: true });
}

/** Messages of the perf worker (perfWorker.ts). @internal */
export type PerfWorkerMsg =
  | { type: 'setup'; op: GemmOp; dtype: DType; m: number; n: number; k: number }
  | { type: 'run' };
/** @internal */
export type PerfWorkerReply =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'failed'; message: string };

/** A set of perf workers on one backend, driven in lock-step. */
class GemmCrew {
  private constructor(private readonly workers: Worker[]) {}

  static async start(backend: string, threads: number): Promise<GemmCrew> {
    const workers = Array.from({ length: threads }, () =>
      spawnWorker(import.meta.url, 'perfWorker', { backend }),
    );
    const crew = new GemmCrew(workers);
    try {
      await crew.all(); // every worker's first 'ready'
    } catch (e) {
      await crew.close();
      throw e;
    }
    return crew;
  }

  /** Posts `msg` (if any) to every worker and waits for each one's reply. */
  all(msg?: PerfWorkerMsg): Promise<void> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMsg = (r: PerfWorkerReply) => {
              w.off('error', onErr);
              if (r.type === 'failed') reject(new Error(`perf worker: ${r.message}`));
              else resolve();
            };
            const onErr = (e: Error) => {
              w.off('message', onMsg);
              reject(e);
            };
            w.once('message', onMsg);
            w.once('error', onErr);
            if (msg) w.postMessage(msg);
          }),
      ),
    ).then(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The median of a list (upper median for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeRepeats(repeats: number, fn: () => void): number[] {
  fn(); // warm-up: JIT and buffer allocation
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

const timing = (samples: number[]): Timing => ({ median: median(samples), samples });

/** Runs fn between two clock probes of `probes` samples; its result and their mean GHz. */
async function clocked<T>(
  probes: number,
  fn: () => T | Promise<T>,
): Promise<{ value: T; clockGHz: number }> {
  const before = measureClockGHz(probes);
  const value = await fn();
  return { value, clockGHz: (before + measureClockGHz(probes)) / 2 };
}

/**
 * Wall time of one pretraining round, `repeats` times after one warm-up round: with one thread
 * the synchronous `pretrain`, otherwise `pretrainAsync` on `threads` workers (started before the
 * first round, so pool start-up is not timed).
 */
async function timeRounds(
  size: RoundSize,
  dtype: DType,
  threads: number,
  repeats: number,
  sampler: Sampler,
): Promise<number[]> {
  const shape = ROUND_SIZES[size];
  const [kg, ks] = split(key(2));
  const gt = groundTruth(kg, { d: shape.d, r: shape.r, dtype });
  const source = suiteSource(gt, taskSuite(ks, { kind: 'halfspace' }, gt, shape.T));
  const config = {
    m: shape.m,
    n1: shape.n1,
    n2: shape.n2,
    alpha: 1,
    eta: 1,
    rounds: repeats + 1,
    dtype,
    // Explicit rounds get the config they had before samplers existed.
    ...(sampler === 'projected' ? { sampler } : {}),
    seed: 0,
  };
  const res =
    threads === 1 ? pretrain(source, config) : await pretrainAsync(source, config, { threads });
  const ends = res.history.map((h) => h.elapsedMs / 1000);
  return ends.slice(2).map((t, r) => t - ends[r + 1]);
}

/**
 * Measures GEMM GFLOP/s at the workload shapes (A B, A^T B, A B^T), normal samples per second
 * and the wall time of one pretraining round for each thread count, for each registered
 * backend, as medians.
 */
export async function runPerf(opts: PerfOptions, progress: Progress): Promise<PerfReport> {
  const [M, N, K] = opts.gemm === 'workload' ? [1024, 256, 1024] : [64, 32, 48];
  const threadCounts = opts.threads ?? [1];
  const samplers = opts.samplers ?? ['explicit'];
  const backends: PerfReport['backends'][number][] = [];
  const before = getBackend();
  const names = listBackends();
  const crews = threadCounts.filter((t) => t > 1);
  // Samples per clock probe (about 20 ms each) before and after every GEMM measurement.
  const probes = opts.gemm === 'workload' ? 3 : 1;
  const perDtype =
    (opts.gemm === 'none' ? 0 : 5 + 3 * crews.length) +
    opts.rounds.length * threadCounts.length * samplers.length;
  if (opts.peer) checkPeerScript(opts.peer.script);
  progress.start('perf', names.length * opts.dtypes.length * perDtype);
  try {
    for (const backend of names) {
      setBackend(backend);
      const entry: PerfReport['backends'][number] = {
        backend,
        threads: 1,
        gemm: [],
        gemmThroughput: [],
        normals: [],
        normalsInto: [],
        rounds: [],
      };
      for (const dtype of opts.dtypes) {
        if (opts.gemm !== 'none') {
          const flops = 2 * M * N * K;
          const peak = (ghz: number, threads: number) => threads * ghz * simdFlopsPerCycle(dtype);
          for (const op of GEMM_OPS) {
            const { value: secs, clockGHz } = await clocked(probes, () =>
              timeRepeats(opts.repeats, gemmCase(op, dtype, M, N, K)),
            );
            const gflops = timing(secs.map((s) => flops / s / 1e9));
            entry.gemm.push({
              op,
              dtype,
              m: M,
              n: N,
              k: K,
              gflops,
              clockGHz,
              peakFraction: gflops.median / peak(clockGHz, 1),
            });
            progress.tick(1, `gemm ${op} ${dtype}`);
          }
          for (const threads of crews) {
            const crew = await GemmCrew.start(backend, threads);
            try {
              for (const op of GEMM_OPS) {
                await crew.all({ type: 'setup', op, dtype, m: M, n: N, k: K });
                const { value: walls, clockGHz } = await clocked(probes, async () => {
                  const out: number[] = [];
                  for (let r = 0; r < opts.repeats; r++) {
                    const t0 = performance.now();
                    await crew.all({ type: 'run' });
                    out.push((performance.now() - t0) / 1000);
                  }
                  return out;
                });
                const gflops = timing(walls.map((s) => (threads * flops) / s / 1e9));
                const single = entry.gemm.find((g) => g.op === op && g.dtype === dtype);
                entry.gemmThroughput.push({
                  op,
                  dtype,
                  m: M,
                  n: N,
                  k: K,
                  threads,
                  gflops,
                  speedup: single ? gflops.median / single.gflops.median : Number.NaN,
                  clockGHz,
                  peakFraction: gflops.median / peak(clockGHz, threads),
                });
                progress.tick(1, `gemm ${op} ${dtype} x${threads} threads`);
              }
            } finally {
              await crew.close();
            }
          }
          const count = opts.gemm === 'workload' ? 2 ** 22 : 2 ** 14;
          let i = 0;
          const secs = timeRepeats(opts.repeats, () =>
            normal(key(i++), [count] as const, { dtype }),
          );
          entry.normals.push({ dtype, perSecond: timing(secs.map((s) => count / s)) });
          progress.tick(1, `normals ${dtype}`);
          const buf = zeros([count] as const, { dtype });
          const secsInto = timeRepeats(opts.repeats, () => normalInto(key(i++), buf));
          entry.normalsInto.push({ dtype, perSecond: timing(secsInto.map((s) => count / s)) });
          progress.tick(1, `normalInto ${dtype}`);
        }
        for (const size of opts.rounds) {
          for (const threads of threadCounts) {
            for (const sampler of samplers) {
              const perRound = await timeRounds(size, dtype, threads, opts.repeats, sampler);
              const seconds = timing(perRound);
              // The peer (which samples explicitly) runs right after our explicit round of the
              // same size, on the same thread count.
              const peer =
                opts.peer &&
                sampler === 'explicit' &&
                (opts.peer.sizes ?? PEER_SIZES).includes(size)
                  ? runNumpyPeer(opts.peer, size, dtype, threads, opts.repeats)
                  : undefined;
              entry.rounds.push({
                size,
                dtype,
                threads,
                sampler,
                shape: ROUND_SIZES[size],
                seconds,
                ...(peer ? { peer, oursOverPeer: seconds.median / peer.round_s } : {}),
              });
              progress.tick(1, `round ${size} ${dtype} threads ${threads} ${sampler}`);
            }
          }
        }
      }
      backends.push(entry);
    }
  } finally {
    setBackend(before);
    progress.stop();
  }
  const backendRatios: PerfReport['backendRatios'][number][] = [];
  const js = backends.find((b) => b.backend === 'js');
  const wasm = backends.find((b) => b.backend === 'wasm');
  for (const w of wasm?.rounds ?? []) {
    const j = js?.rounds.find(
      (r) =>
        r.size === w.size &&
        r.dtype === w.dtype &&
        r.threads === w.threads &&
        r.sampler === w.sampler,
    );
    if (j)
      backendRatios.push({
        size: w.size,
        dtype: w.dtype,
        threads: w.threads,
        sampler: w.sampler,
        jsSeconds: j.seconds.median,
        wasmSeconds: w.seconds.median,
        jsOverWasm: j.seconds.median / w.seconds.median,
      });
  }
  return {
    backends,
    backendRatios,
    elementwisePath: elementwisePath(),
    notes: [
      `backends measured: ${names.join(', ')}; GEMM and sampling on one thread`,
      'GEMM throughput (threads > 1): that many worker threads each run their own GEMM of the same shape at the same time; GFLOP/s = threads x 2 m n k / wall seconds. It is the throughput of independent GEMMs (how pretraining uses the cores: one task group per thread), not one GEMM split across cores',
      'normal: a fresh tensor per call; normalInto: into one preallocated buffer; both on one thread (samples per second per core)',
      'GEMM shapes: op(A) [m, k] times op(B) [k, n]; GFLOP/s = 2 m n k / seconds',
      'GEMM % of peak: the median GFLOP/s over what 128-bit SIMD (the width of WebAssembly SIMD) can do at the clock measured right before and after: two fused multiply-add pipes per core, 16 float32 or 8 float64 flops a cycle (AMD Zen 2-5, Intel Skylake and later). The clock is a probe of dependent integer additions (one a cycle) on the main thread; with more threads the all-core clock may be lower, which understates the fraction',
      'round: one full pretraining round (sampling, head step, layer gradient) with the correlation loss, timed after one warm-up round; threads 1 is the synchronous pretrain, threads > 1 pretrainAsync on that many workers (bit-for-bit the same result)',
      ...(samplers.includes('projected')
        ? [
            "sampler: explicit draws every task's samples in R^d; projected draws them in a basis of the k = m + r rows of W and M and adds the rest of R^d once a round (the same law, other numbers; docs: Specification, 'The projected sampler'); explicit/projected = the explicit round's median seconds over the projected one's",
          ]
        : []),
      ...(opts.peer
        ? [
            'peer numpy: ../shared/peers/numpy_step.py run after our round of the same size and dtype with OPENBLAS_NUM_THREADS = threads; ours/numpy = our median round seconds over its round_s (below 1: ours is faster)',
          ]
        : []),
    ],
  };
}

/** The report as a human-readable table. */
export function formatPerf(report: PerfReport): string {
  const lines: string[] = [
    `elementwise ops and reductions: ${report.elementwisePath === 'loops' ? 'plain loops (no code generation)' : 'ndarray-ops (generated loops)'}`,
  ];
  const f = (v: number | undefined, digits = 3) =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
  const pct = (g: { peakFraction: number; clockGHz: number }) =>
    `(${f(100 * g.peakFraction, 0)} % of 128-bit peak at ${f(g.clockGHz, 2)} GHz)`;
  for (const b of report.backends) {
    lines.push(`backend ${b.backend}`);
    if (b.gemm.length > 0)
      lines.push('  GEMM, one thread (median GFLOP/s; share of the 128-bit SIMD peak)');
    for (const g of b.gemm)
      lines.push(
        `    ${g.op.padEnd(6)} ${g.dtype}  [${g.m}x${g.k}]x[${g.k}x${g.n}]  ${g.gflops.median.toFixed(2)}  ${pct(g)}`,
      );
    if (b.gemmThroughput.length > 0)
      lines.push(
        '  GEMM throughput: independent GEMMs, one per worker thread, at once (median aggregate GFLOP/s; x over one thread)',
      );
    for (const g of b.gemmThroughput)
      lines.push(
        `    ${g.op.padEnd(6)} ${g.dtype}  [${g.m}x${g.k}]x[${g.k}x${g.n}]  threads ${g.threads}  ${g.gflops.median.toFixed(2)}  x${f(g.speedup, 2)}  ${pct(g)}`,
      );
    if (b.normals.length > 0) lines.push('  normal sampling, one thread (median million/s)');
    for (const n of b.normals) {
      const into = b.normalsInto.find((o) => o.dtype === n.dtype);
      lines.push(
        `    ${n.dtype}  normal ${(n.perSecond.median / 1e6).toFixed(1)}  normalInto ${into ? (into.perSecond.median / 1e6).toFixed(1) : 'n/a'}`,
      );
    }
    if (b.rounds.length > 0)
      lines.push('  pretraining round (median seconds; speed-up over 1 thread)');
    for (const r of b.rounds) {
      const s = r.shape;
      const same = (o: typeof r) =>
        o.size === r.size && o.dtype === r.dtype && o.sampler === r.sampler;
      const one = b.rounds.find((o) => same(o) && o.threads === 1);
      const speedup =
        one && r.threads !== 1 ? `  x${(one.seconds.median / r.seconds.median).toFixed(2)}` : '';
      const explicit =
        r.sampler === 'projected'
          ? b.rounds.find(
              (o) =>
                o.size === r.size &&
                o.dtype === r.dtype &&
                o.threads === r.threads &&
                o.sampler === 'explicit',
            )
          : undefined;
      const overExplicit = explicit
        ? `  explicit/projected x${(explicit.seconds.median / r.seconds.median).toFixed(2)}`
        : '';
      lines.push(
        `    ${r.size.padEnd(9)} ${r.dtype}  threads ${r.threads}  ${r.sampler.padEnd(9)}  d=${s.d} r=${s.r} m=${s.m} T=${s.T} n1=n2=${s.n1}  ${r.seconds.median.toFixed(3)}${speedup}${overExplicit}`,
      );
      if (r.peer)
        lines.push(
          `      numpy ${String(r.peer.numpy ?? '')} (OPENBLAS_NUM_THREADS=${r.peer.threads}): round ${f(r.peer.round_s)} s, sampling ${f(r.peer.sampling_s)} s, math ${f(r.peer.math_s)} s (${f(r.peer.math_gflops, 1)} GFLOP/s), ${f((r.peer.normals_per_s ?? Number.NaN) / 1e6, 1)} M normals/s; ours/numpy x${f(r.oursOverPeer, 2)}`,
        );
    }
  }
  if (report.backendRatios.length > 0) {
    lines.push('wasm against js, same run (median round seconds; js/wasm)');
    for (const r of report.backendRatios)
      lines.push(
        `    ${r.size.padEnd(9)} ${r.dtype}  threads ${r.threads}  ${r.sampler.padEnd(9)}  js ${r.jsSeconds.toFixed(3)}  wasm ${r.wasmSeconds.toFixed(3)}  x${r.jsOverWasm.toFixed(2)}`,
      );
  }
  lines.push(...report.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}
