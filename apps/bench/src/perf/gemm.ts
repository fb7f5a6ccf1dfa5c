import type { Worker } from 'node:worker_threads';
import { type DType, gemmInto, key, normal, normalInto, split, zeros } from '@mtrl/tensors';
import { simdFlopsPerCycle } from '../clock.js';
import type { Progress } from '../progress.js';
import { spawnWorker } from '../spawnWorker.js';
import type { GemmRow, GemmThroughputRow, NormalsRow } from './report.js';
import { clocked, timeRepeats, timing } from './timing.js';

/** The GEMMs `perf` times: C = op(A) op(B) at [m, k] x [k, n]. */
export type GemmOp = 'A B' | 'A^T B' | 'A B^T';
export const GEMM_OPS: readonly GemmOp[] = ['A B', 'A^T B', 'A B^T'];

/** A GEMM shape: op(A) [m, k] times op(B) [k, n]. */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

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

/** Messages of the perf worker (perf/worker.ts). @internal */
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
      spawnWorker(import.meta.url, 'worker', { backend }),
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

/** The 128-bit SIMD peak GFLOP/s of `threads` cores at `ghz`. */
const peak = (dtype: DType, ghz: number, threads: number) =>
  threads * ghz * simdFlopsPerCycle(dtype);

/**
 * GFLOP/s of each GEMM op on this thread (the backend in use), `repeats` times after a warm-up,
 * between two clock probes of `probes` samples.
 */
export async function timeGemms(
  dtype: DType,
  { m, n, k }: GemmShape,
  repeats: number,
  probes: number,
  progress: Progress,
): Promise<GemmRow[]> {
  const flops = 2 * m * n * k;
  const rows: GemmRow[] = [];
  for (const op of GEMM_OPS) {
    const { value: secs, clockGHz } = await clocked(probes, () =>
      timeRepeats(repeats, gemmCase(op, dtype, m, n, k)),
    );
    const gflops = timing(secs.map((s) => flops / s / 1e9));
    rows.push({
      op,
      dtype,
      m,
      n,
      k,
      gflops,
      clockGHz,
      peakFraction: gflops.median / peak(dtype, clockGHz, 1),
    });
    progress.tick(1, `gemm ${op} ${dtype}`);
  }
  return rows;
}

/**
 * Aggregate GFLOP/s of `threads` workers on `backend` each running its own GEMM of each op at
 * once, with the speed-up over the single-thread rows `single`.
 */
export async function timeGemmThroughput(
  backend: string,
  threads: number,
  dtype: DType,
  { m, n, k }: GemmShape,
  repeats: number,
  probes: number,
  single: readonly GemmRow[],
  progress: Progress,
): Promise<GemmThroughputRow[]> {
  const flops = 2 * m * n * k;
  const rows: GemmThroughputRow[] = [];
  const crew = await GemmCrew.start(backend, threads);
  try {
    for (const op of GEMM_OPS) {
      await crew.all({ type: 'setup', op, dtype, m, n, k });
      const { value: walls, clockGHz } = await clocked(probes, async () => {
        const out: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          await crew.all({ type: 'run' });
          out.push((performance.now() - t0) / 1000);
        }
        return out;
      });
      const gflops = timing(walls.map((s) => (threads * flops) / s / 1e9));
      const one = single.find((g) => g.op === op && g.dtype === dtype);
      rows.push({
        op,
        dtype,
        m,
        n,
        k,
        threads,
        gflops,
        speedup: one ? gflops.median / one.gflops.median : Number.NaN,
        clockGHz,
        peakFraction: gflops.median / peak(dtype, clockGHz, threads),
      });
      progress.tick(1, `gemm ${op} ${dtype} x${threads} threads`);
    }
  } finally {
    await crew.close();
  }
  return rows;
}

/** Normal samples per second of `normal` (a fresh tensor per call) and `normalInto` (one buffer). */
export function timeNormals(
  dtype: DType,
  count: number,
  repeats: number,
  progress: Progress,
): { normals: NormalsRow; normalsInto: NormalsRow } {
  let i = 0;
  const secs = timeRepeats(repeats, () => normal(key(i++), [count] as const, { dtype }));
  const normals = { dtype, perSecond: timing(secs.map((s) => count / s)) };
  progress.tick(1, `normals ${dtype}`);
  const buf = zeros([count] as const, { dtype });
  const secsInto = timeRepeats(repeats, () => normalInto(key(i++), buf));
  const normalsInto = { dtype, perSecond: timing(secsInto.map((s) => count / s)) };
  progress.tick(1, `normalInto ${dtype}`);
  return { normals, normalsInto };
}
