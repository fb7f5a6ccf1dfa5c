import type { DType, ElementwisePath } from '@mtrl/tensors';
import type { GemmOp } from './gemm.js';
import { PEER_SIZES, type PeerBlas, type PeerResult, REFERENCE_BLAS_HINT } from './peer.js';
import type { ROUND_SIZES, RoundSize, Sampler } from './rounds.js';
import type { Timing } from './timing.js';

/** One GEMM on one thread. */
export interface GemmRow {
  op: GemmOp;
  dtype: DType;
  m: number;
  n: number;
  k: number;
  gflops: Timing;
  /** The clock probe's GHz, the mean of one probe right before and one right after. */
  clockGHz: number;
  /** Median GFLOP/s over the 128-bit SIMD peak at that clock (`simdFlopsPerCycle`). */
  peakFraction: number;
}

/**
 * Aggregate GFLOP/s of `threads` workers each running the same-shaped GEMM at once
 * (independent products, as pretraining's threads run them).
 */
export interface GemmThroughputRow {
  op: GemmOp;
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
}

/** Normal samples per second of one dtype. */
export interface NormalsRow {
  dtype: DType;
  perSecond: Timing;
}

/** One timed pretraining round. */
export interface RoundRow {
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
}

/** Everything measured on one backend. */
export interface BackendReport {
  backend: string;
  threads: number;
  gemm: GemmRow[];
  /** One row per op, dtype and thread count > 1. */
  gemmThroughput: GemmThroughputRow[];
  /** `normal`: a fresh tensor per call (allocation included). */
  normals: NormalsRow[];
  /** `normalInto`: into one preallocated buffer, on one thread (samples per second per core). */
  normalsInto: NormalsRow[];
  rounds: RoundRow[];
}

/** The same round on the js and the wasm backend. */
export interface BackendRatio {
  size: RoundSize;
  dtype: DType;
  threads: number;
  sampler: Sampler;
  jsSeconds: number;
  wasmSeconds: number;
  jsOverWasm: number;
}

/** The `perf` report (its JSON form is `mtrl-bench perf --json`, beside `command` and `meta`). */
export interface PerfReport {
  readonly backends: readonly BackendReport[];
  /** The same rounds on the js and the wasm backend (when both were timed): js over wasm seconds. */
  readonly backendRatios: readonly BackendRatio[];
  /**
   * How @mtrl/tensors runs elementwise ops and reductions here: `loops` (plain strided loops,
   * no code generation) or `ndarray-ops` (its generated loops, where code generation is allowed).
   */
  readonly elementwisePath: ElementwisePath;
  readonly notes: readonly string[];
}

/** js seconds over wasm seconds for every round timed on both backends. */
export function backendRatios(backends: readonly BackendReport[]): BackendRatio[] {
  const out: BackendRatio[] = [];
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
      out.push({
        size: w.size,
        dtype: w.dtype,
        threads: w.threads,
        sampler: w.sampler,
        jsSeconds: j.seconds.median,
        wasmSeconds: w.seconds.median,
        jsOverWasm: j.seconds.median / w.seconds.median,
      });
  }
  return out;
}

/** The notes closing the report: what each figure means. */
export function perfNotes(
  backends: readonly string[],
  samplers: readonly Sampler[],
  peer: boolean,
): string[] {
  return [
    `backends measured: ${backends.join(', ')}; GEMM and sampling on one thread`,
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
    ...(peer
      ? [
          `peer numpy: ../shared/peers/numpy_step.py (explicit sampling) run once after our rounds of the same size, dtype and thread count, with OPENBLAS_NUM_THREADS = threads, at the sizes the script knows (${PEER_SIZES.join(' and ')}; rounds of other sizes get no numpy line); ours/numpy = each sampler's median round seconds over its round_s (below 1: ours is faster)`,
        ]
      : []),
  ];
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
      if (r.oursOverPeer !== undefined && !r.peer)
        lines.push(`      ours/numpy x${f(r.oursOverPeer, 2)} (numpy figures on the line above)`);
      if (r.peer)
        lines.push(
          `      numpy ${String(r.peer.numpy ?? '')} (OPENBLAS_NUM_THREADS=${r.peer.threads}${blasLabel(r.peer.blas)}): round ${f(r.peer.round_s)} s, sampling ${f(r.peer.sampling_s)} s, math ${f(r.peer.math_s)} s (${f(r.peer.math_gflops, 1)} GFLOP/s), ${f((r.peer.normals_per_s ?? Number.NaN) / 1e6, 1)} M normals/s; ours/numpy x${f(r.oursOverPeer, 2)}`,
          ...(r.peer.blas?.optimised === false ? [`      warning: ${REFERENCE_BLAS_HINT}`] : []),
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

/** `, BLAS <file name>` for the numpy line; nothing when the BLAS is unknown. */
function blasLabel(blas: PeerBlas | null | undefined): string {
  return blas ? `, BLAS ${blas.library.split('/').pop()}` : '';
}
