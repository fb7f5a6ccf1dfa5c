import { pretrain, pretrainAsync, suiteSource } from '@mtrl/pretrain';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import {
  type DType,
  gemmInto,
  getBackend,
  key,
  listBackends,
  normal,
  setBackend,
  split,
  zeros,
} from '@mtrl/tensors';
import type { Progress } from './progress.js';

/** Sizes of the pretraining rounds timed by `perf` (SPEC 7 / issue 5). */
export const ROUND_SIZES = {
  canonical: { d: 1024, r: 4, m: 256, T: 256, n1: 1024, n2: 1024 },
  quick: { d: 256, r: 4, m: 256, T: 64, n1: 1024, n2: 1024 },
  tiny: { d: 32, r: 2, m: 16, T: 4, n1: 64, n2: 64 },
} as const;

export type RoundSize = keyof typeof ROUND_SIZES;

/** Options of {@link runPerf}. */
export interface PerfOptions {
  repeats: number;
  rounds: readonly RoundSize[];
  /** GEMM sizes: `workload` (1024x1024 by 1024x256), `tiny` for tests, `none` to skip GEMM and sampling. */
  gemm: 'workload' | 'tiny' | 'none';
  dtypes: readonly DType[];
  /** Worker threads for the pretraining rounds: one row per count (default `[1]`). */
  threads?: readonly number[];
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
    gemm: { op: string; dtype: DType; m: number; n: number; k: number; gflops: Timing }[];
    normals: { dtype: DType; perSecond: Timing }[];
    rounds: {
      size: RoundSize;
      dtype: DType;
      /** Worker threads of `pretrainAsync` (1: the synchronous single-threaded `pretrain`). */
      threads: number;
      seconds: Timing;
      shape: (typeof ROUND_SIZES)[RoundSize];
    }[];
  }[];
  readonly notes: readonly string[];
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
  const backends: PerfReport['backends'][number][] = [];
  const before = getBackend();
  const names = listBackends();
  const perDtype = (opts.gemm === 'none' ? 0 : 4) + opts.rounds.length * threadCounts.length;
  progress.start('perf', names.length * opts.dtypes.length * perDtype);
  try {
    for (const backend of names) {
      setBackend(backend);
      const entry: PerfReport['backends'][number] = {
        backend,
        threads: 1,
        gemm: [],
        normals: [],
        rounds: [],
      };
      for (const dtype of opts.dtypes) {
        if (opts.gemm !== 'none') {
          const [ka, kb, kbt, kc] = split(key(1), 4);
          const a = normal(ka, [M, K] as const, { dtype });
          const b = normal(kb, [K, N] as const, { dtype });
          const bt = normal(kbt, [N, K] as const, { dtype });
          const at = normal(kc, [K, M] as const, { dtype });
          const c = zeros([M, N] as const, { dtype });
          const flops = 2 * M * N * K;
          for (const [op, fn] of [
            ['A B', () => gemmInto(c, a, b)],
            ['A^T B', () => gemmInto(c, at, b, { transA: true })],
            ['A B^T', () => gemmInto(c, a, bt, { transB: true })],
          ] as const) {
            const secs = timeRepeats(opts.repeats, fn);
            entry.gemm.push({
              op,
              dtype,
              m: M,
              n: N,
              k: K,
              gflops: timing(secs.map((s) => flops / s / 1e9)),
            });
            progress.tick(1, `gemm ${op} ${dtype}`);
          }
          const count = opts.gemm === 'workload' ? 2 ** 22 : 2 ** 14;
          let i = 0;
          const secs = timeRepeats(opts.repeats, () =>
            normal(key(i++), [count] as const, { dtype }),
          );
          entry.normals.push({ dtype, perSecond: timing(secs.map((s) => count / s)) });
          progress.tick(1, `normals ${dtype}`);
        }
        for (const size of opts.rounds) {
          for (const threads of threadCounts) {
            const perRound = await timeRounds(size, dtype, threads, opts.repeats);
            entry.rounds.push({
              size,
              dtype,
              threads,
              shape: ROUND_SIZES[size],
              seconds: timing(perRound),
            });
            progress.tick(1, `round ${size} ${dtype} threads ${threads}`);
          }
        }
      }
      backends.push(entry);
    }
  } finally {
    setBackend(before);
    progress.stop();
  }
  return {
    backends,
    notes: [
      `backends measured: ${names.join(', ')}; GEMM and sampling on one thread`,
      'GEMM shapes: op(A) [m, k] times op(B) [k, n]; GFLOP/s = 2 m n k / seconds',
      'round: one full pretraining round (sampling, head step, layer gradient) with the correlation loss, timed after one warm-up round; threads 1 is the synchronous pretrain, threads > 1 pretrainAsync on that many workers (bit-for-bit the same result)',
    ],
  };
}

/** The report as a human-readable table. */
export function formatPerf(report: PerfReport): string {
  const lines: string[] = [];
  for (const b of report.backends) {
    lines.push(`backend ${b.backend}`);
    if (b.gemm.length > 0) lines.push('  GEMM (median GFLOP/s)');
    for (const g of b.gemm)
      lines.push(
        `    ${g.op.padEnd(6)} ${g.dtype}  [${g.m}x${g.k}]x[${g.k}x${g.n}]  ${g.gflops.median.toFixed(2)}`,
      );
    if (b.normals.length > 0) lines.push('  normal sampling (median million/s)');
    for (const n of b.normals)
      lines.push(`    ${n.dtype}  ${(n.perSecond.median / 1e6).toFixed(1)}`);
    if (b.rounds.length > 0)
      lines.push('  pretraining round (median seconds; speed-up over 1 thread)');
    for (const r of b.rounds) {
      const s = r.shape;
      const one = b.rounds.find((o) => o.size === r.size && o.dtype === r.dtype && o.threads === 1);
      const speedup =
        one && r.threads !== 1 ? `  x${(one.seconds.median / r.seconds.median).toFixed(2)}` : '';
      lines.push(
        `    ${r.size.padEnd(9)} ${r.dtype}  threads ${r.threads}  d=${s.d} r=${s.r} m=${s.m} T=${s.T} n1=n2=${s.n1}  ${r.seconds.median.toFixed(3)}${speedup}`,
      );
    }
  }
  lines.push(...report.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}
