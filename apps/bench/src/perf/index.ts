/**
 * `mtrl-bench perf`: GEMM GFLOP/s (gemm.ts), normal sampling, pretraining rounds (rounds.ts)
 * and the numpy peer (peer.ts), assembled into one report (report.ts).
 */
import { type DType, elementwisePath, getBackend, listBackends, setBackend } from '@mtrl/tensors';
import type { Progress } from '../progress.js';
import { timeGemms, timeGemmThroughput, timeNormals } from './gemm.js';
import { checkPeerScript, PEER_SIZES, REFERENCE_BLAS_HINT, runNumpyPeer } from './peer.js';
import {
  type BackendReport,
  backendRatios,
  type PerfReport,
  perfNotes,
  type RoundRow,
} from './report.js';
import { ROUND_SIZES, type RoundSize, type Sampler, timeRounds } from './rounds.js';
import { timing } from './timing.js';

export { type GemmOp, gemmCase } from './gemm.js';
export {
  checkPeerScript,
  defaultPeerScript,
  PEER_SIZES,
  type PeerResult,
  runNumpyPeer,
} from './peer.js';
export type {
  BackendRatio,
  BackendReport,
  GemmRow,
  GemmThroughputRow,
  NormalsRow,
  PerfReport,
  RoundRow,
} from './report.js';
export { formatPerf } from './report.js';
export { ROUND_SIZES, type RoundSize, SAMPLERS, type Sampler } from './rounds.js';
export { median, type Timing } from './timing.js';

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
  /** Backends to time, in this order (default: every registered backend, `listBackends()`). */
  backends?: readonly string[];
  /**
   * Run a peer implementation once after our rounds (every sampler) of each size it knows
   * (`sizes`, default {@link PEER_SIZES}) and thread count; `python` defaults to /usr/bin/python3.
   */
  peer?: { kind: 'numpy'; script: string; python?: string; sizes?: readonly RoundSize[] };
}

/**
 * Measures GEMM GFLOP/s at the workload shapes (A B, A^T B, A B^T), normal samples per second
 * and the wall time of one pretraining round for each thread count, for each backend asked for
 * (every registered one by default), as medians.
 *
 * @throws {RangeError} for a backend that is not registered, before anything is timed
 */
export async function runPerf(opts: PerfOptions, progress: Progress): Promise<PerfReport> {
  const shape = opts.gemm === 'workload' ? { m: 1024, n: 256, k: 1024 } : { m: 64, n: 32, k: 48 };
  const threadCounts = opts.threads ?? [1];
  const samplers = opts.samplers ?? ['explicit'];
  const backends: BackendReport[] = [];
  const before = getBackend();
  const registered = listBackends();
  const names = opts.backends ?? registered;
  for (const b of names)
    if (!registered.includes(b))
      throw new RangeError(
        `runPerf: backends must name registered backends (${registered.join(', ')}), got ${JSON.stringify(b)}`,
      );
  const crews = threadCounts.filter((t) => t > 1);
  // Samples per clock probe (about 20 ms each) before and after every GEMM measurement.
  const probes = opts.gemm === 'workload' ? 3 : 1;
  const perDtype =
    (opts.gemm === 'none' ? 0 : 5 + 3 * crews.length) +
    opts.rounds.length * threadCounts.length * samplers.length;
  if (opts.peer) checkPeerScript(opts.peer.script);
  let warnedBlas = false;
  progress.start('perf', names.length * opts.dtypes.length * perDtype);
  try {
    for (const backend of names) {
      setBackend(backend);
      const entry: BackendReport = {
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
          const single = await timeGemms(dtype, shape, opts.repeats, probes, progress);
          entry.gemm.push(...single);
          for (const threads of crews)
            entry.gemmThroughput.push(
              ...(await timeGemmThroughput(
                backend,
                threads,
                dtype,
                shape,
                opts.repeats,
                probes,
                single,
                progress,
              )),
            );
          const count = opts.gemm === 'workload' ? 2 ** 22 : 2 ** 14;
          const { normals, normalsInto } = timeNormals(dtype, count, opts.repeats, progress);
          entry.normals.push(normals);
          entry.normalsInto.push(normalsInto);
        }
        for (const size of opts.rounds) {
          for (const threads of threadCounts) {
            const group: RoundRow[] = [];
            for (const sampler of samplers) {
              const seconds = timing(await timeRounds(size, dtype, threads, opts.repeats, sampler));
              group.push({ size, dtype, threads, sampler, shape: ROUND_SIZES[size], seconds });
              progress.tick(1, `round ${size} ${dtype} threads ${threads} ${sampler}`);
            }
            // The peer (which samples explicitly) runs once, right after our rounds of the same
            // size and thread count; every sampler's round is compared with it, and the peer's
            // figures are kept on the first round of the group (the explicit one when measured).
            const peer =
              opts.peer && (opts.peer.sizes ?? PEER_SIZES).includes(size)
                ? runNumpyPeer(opts.peer, size, dtype, threads, opts.repeats)
                : undefined;
            if (peer?.blas?.optimised === false && !warnedBlas) {
              warnedBlas = true;
              progress.log(`perf --peer numpy: ${REFERENCE_BLAS_HINT} (${peer.blas.library})`);
            }
            group.forEach((round, i) => {
              entry.rounds.push(
                peer
                  ? {
                      ...round,
                      ...(i === 0 ? { peer } : {}),
                      oursOverPeer: round.seconds.median / peer.round_s,
                    }
                  : round,
              );
            });
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
    backendRatios: backendRatios(backends),
    elementwisePath: elementwisePath(),
    notes: perfNotes(names, samplers, opts.peer !== undefined),
  };
}
