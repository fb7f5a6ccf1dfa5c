import type { FloatArray } from '../../dtype.js';
import { withEpilogue } from '../../epilogue.js';
import type { GemmKernel } from '../../kernelTypes.js';
import { gemmBlocked } from '../gemmBlocked.js';
import { type Arena, getArena } from './arena.js';
import { KERNEL_TILES } from './module.generated.js';

/** Register tile and blocking of one module variant and dtype (scripts/wasm/kernels.ts). */
export interface Tile {
  /** register tile rows: A is packed in strips of mr rows */
  readonly mr: number;
  /** register tile columns: B is packed in strips of nr columns */
  readonly nr: number;
  /** rows of A packed at a time (a multiple of mr) */
  readonly mb: number;
  /** K is split into chunks of at most kc, so one packed B strip (nr x kc) stays near L1 */
  readonly kc: number;
}

/**
 * The tile of the module variant `fma` (relaxed_madd; false: the plain module) for a dtype:
 * the two variants block differently (4 x 8 / 4 x 4 plain, 3 x 12 / 3 x 6 fma), so packing
 * buffers, row blocks and K chunks follow the variant the arena loaded.
 */
export function tileOf(fma: boolean, t: 'f32' | 'f64'): Tile {
  return KERNEL_TILES[fma ? 'fma' : 'plain'][t];
}

/** First and last element index a strided view of `[rows, cols]` at `offset` touches. */
export function span(
  offset: number,
  rows: number,
  s0: number,
  cols: number,
  s1: number,
): [number, number] {
  const r = (rows - 1) * s0;
  const c = (cols - 1) * s1;
  return [offset + Math.min(r, 0) + Math.min(c, 0), offset + Math.max(r, 0) + Math.max(c, 0)];
}

/** Copies `src[lo..hi]` into the arena at byte offset `p`. */
export function copyIn(ar: Arena, src: FloatArray, lo: number, hi: number, p: number): void {
  if (src instanceof Float32Array) ar.f32.set(src.subarray(lo, hi + 1), p >>> 2);
  else ar.f64.set(src.subarray(lo, hi + 1), p >>> 3);
}

/** Copies the arena's bytes from `p` back into `dst[lo..hi]`. */
export function copyOut(ar: Arena, dst: FloatArray, lo: number, hi: number, p: number): void {
  const n = hi - lo + 1;
  if (dst instanceof Float32Array) dst.set(ar.f32.subarray(p >>> 2, (p >>> 2) + n), lo);
  else dst.set(ar.f64.subarray(p >>> 3, (p >>> 3) + n), lo);
}

/** The shared element type of the operands, or undefined when they mix float32 and float64. */
export function commonDType(...xs: FloatArray[]): 'f32' | 'f64' | undefined {
  if (xs.every((x) => x instanceof Float32Array)) return 'f32';
  if (xs.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

/**
 * A WebAssembly GEMM driver (`GemmKernel`, epilogue included) around the arena staging both
 * kernels share: a call lays out the kernel's packing buffers, the spans the views of A, B
 * and C cover and the bias row from the arena's start, grows the memory when the layout
 * needs it, copies A and B in (once when they are views of one buffer, for 'gemm') and C only
 * when its old values matter (beta != 0, or gaps between its elements that must survive the
 * copy back), runs the kernel over K in chunks of at most the tile's kc (beta on the first
 * chunk only), applies the epilogue in WebAssembly and copies C's span back.
 *
 * @param kind `gemm` runs `gemm_f32/f64`; `upper` runs `gemm_upper_f32/f64`, which takes B as
 *   upper triangular and reads A in place, so it needs A unit-stride along K (`sa1 = 1`)
 * @param fallback takes the calls the kernel does not: mixed dtypes, k = 0, alpha = 0, `upper`
 *   with `sa1 != 1`, and layouts past the arena's 2 GiB
 */
export function arenaGemm(kind: 'gemm' | 'upper', fallback: GemmKernel): GemmKernel {
  const upper = kind === 'upper';
  return (m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi) => {
    if (m === 0 || n === 0) return;
    const bias = epi?.bias;
    const t = bias === undefined ? commonDType(a, b, c) : commonDType(a, b, c, bias);
    const ar =
      t === undefined || k === 0 || alpha === 0 || (upper && sa1 !== 1) ? undefined : getArena();
    if (ar === undefined || t === undefined) {
      fallback(m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi);
      return;
    }
    const es = t === 'f32' ? 4 : 8;
    const { nr, mb, kc: kmax } = tileOf(ar.fma, t);
    const kc = Math.min(k, kmax);
    const [la, ha] = span(oa, m, sa0, k, sa1);
    const [lb, hb] = span(ob, k, sb0, n, sb1);
    const [lc, hc] = span(oc, m, sc0, n, sc1);
    ar.reset();
    // The upper kernel reads A in place: no packing buffer for A.
    const wa = upper ? 0 : ar.alloc(mb * kc * es);
    const wb = ar.alloc(Math.ceil(n / nr) * nr * kc * es);
    // One copy when A and B are views of one buffer (x^T x, w w^T).
    const shared = !upper && a === b;
    const lab = shared ? Math.min(la, lb) : la;
    const pa0 = ar.alloc(((shared ? Math.max(ha, hb) : ha) - lab + 1) * es);
    const pb0 = shared ? pa0 : ar.alloc((hb - lb + 1) * es);
    const pc0 = ar.alloc((hc - lc + 1) * es);
    const pbias = bias === undefined ? 0 : ar.alloc(n * es);
    if (!ar.reserve()) {
      fallback(m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi);
      return;
    }
    copyIn(ar, a, lab, shared ? Math.max(ha, hb) : ha, pa0);
    if (!shared) copyIn(ar, b, lb, hb, pb0);
    if (beta !== 0 || hc - lc + 1 !== m * n) copyIn(ar, c, lc, hc, pc0);
    const pa = pa0 + (oa - lab) * es;
    const pb = pb0 + (ob - (shared ? lab : lb)) * es;
    const pc = pc0 + (oc - lc) * es;
    const kernel = t === 'f32' ? ar.kernels.gemm_f32 : ar.kernels.gemm_f64;
    const kernelUpper = t === 'f32' ? ar.kernels.gemm_upper_f32 : ar.kernels.gemm_upper_f64;
    for (let p = 0; p < k; p += kmax) {
      const kk = Math.min(kmax, k - p);
      const pak = pa + p * sa1 * es;
      const pbk = pb + p * sb0 * es;
      const betak = p === 0 ? beta : 1;
      if (upper) kernelUpper(m, n, kk, p, alpha, pak, sa0, pbk, sb0, sb1, betak, pc, sc0, sc1, wb);
      else kernel(m, n, kk, alpha, pak, sa0, sa1, pbk, sb0, sb1, betak, pc, sc0, sc1, wa, wb);
    }
    if (epi !== undefined) {
      if (bias !== undefined) {
        // The bias row, contiguous in kernel memory.
        const { sb: s, ob: o } = epi;
        if (s === 1) copyIn(ar, bias, o, o + n - 1, pbias);
        else {
          const dst = t === 'f32' ? ar.f32 : ar.f64;
          const base = pbias / es;
          for (let j = 0; j < n; j++) dst[base + j] = bias[o + j * s];
        }
      }
      const ep = t === 'f32' ? ar.kernels.epilogue_f32 : ar.kernels.epilogue_f64;
      const map = epi.map;
      const act = map === undefined ? 0 : map.slope === 0 ? 1 : 2;
      ep(
        pc,
        m,
        n,
        sc0,
        sc1,
        pbias,
        bias === undefined ? 0 : 1,
        act,
        map === undefined ? 0 : map.slope,
      );
    }
    copyOut(ar, c, lc, hc, pc0);
  };
}

/**
 * Strided GEMM in WebAssembly SIMD, C = alpha * A B + beta * C; same contract as
 * `gemmReference` (`beta = 0` overwrites C, NaN there included; C must not alias A or B).
 * The spans the views cover are copied into the kernel memory, C's only when its old values
 * matter (beta != 0, or gaps between its elements that must survive the copy back). float32
 * accumulates in float32. Mixed dtypes, k = 0 and alpha = 0 go to `gemmBlocked`. With `epi`,
 * the bias row and the leaky map are applied in WebAssembly before C is copied back.
 */
export const gemmWasm: GemmKernel = arenaGemm('gemm', withEpilogue(gemmBlocked));
