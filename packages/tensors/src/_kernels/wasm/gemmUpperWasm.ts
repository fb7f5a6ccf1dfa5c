import type { FloatArray } from '../../dtype.js';
import type { GemmEpilogue } from '../../epilogue.js';
import { getArena } from './arena.js';
import { commonDType, copyIn, copyOut, gemmWasm, span, tileOf } from './gemmWasm.js';

/**
 * `gemmWasm` for an upper-triangular B (`B[p, j] = 0` for p > j, never read): each strip of
 * NR columns of B sums over K only up to its last column, so at K = N about half the flops.
 * Same contract and epilogue as `gemmWasm`; A must be unit-stride along K (`sa1 = 1`, the
 * micro kernels read it in place), otherwise, and for mixed dtypes, k = 0 or alpha = 0, this
 * is `gemmWasm` itself.
 */
export function gemmUpperWasm(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
  beta: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
  epi?: GemmEpilogue,
): void {
  if (m === 0 || n === 0) return;
  const t = epi?.bias === undefined ? commonDType(a, b, c) : commonDType(a, b, c, epi.bias);
  if (t === undefined || k === 0 || alpha === 0 || sa1 !== 1) {
    gemmWasm(m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi);
    return;
  }
  const ar = getArena();
  const es = t === 'f32' ? 4 : 8;
  const { nr, kc: kmax } = tileOf(ar.fma, t);
  const kc = Math.min(k, kmax);
  const [la, ha] = span(oa, m, sa0, k, sa1);
  const [lb, hb] = span(ob, k, sb0, n, sb1);
  const [lc, hc] = span(oc, m, sc0, n, sc1);
  ar.reset();
  const wb = ar.alloc(Math.ceil(n / nr) * nr * kc * es);
  const pa0 = ar.alloc((ha - la + 1) * es);
  const pb0 = ar.alloc((hb - lb + 1) * es);
  const pc0 = ar.alloc((hc - lc + 1) * es);
  const bias = epi?.bias;
  const pbias = bias === undefined ? 0 : ar.alloc(n * es);
  if (!ar.reserve()) {
    gemmWasm(m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi);
    return;
  }
  copyIn(ar, a, la, ha, pa0);
  copyIn(ar, b, lb, hb, pb0);
  if (beta !== 0 || hc - lc + 1 !== m * n) copyIn(ar, c, lc, hc, pc0);
  const pa = pa0 + (oa - la) * es;
  const pb = pb0 + (ob - lb) * es;
  const pc = pc0 + (oc - lc) * es;
  const kernel = t === 'f32' ? ar.kernels.gemm_upper_f32 : ar.kernels.gemm_upper_f64;
  for (let p = 0; p < k; p += kmax) {
    const kk = Math.min(kmax, k - p);
    kernel(
      m,
      n,
      kk,
      p,
      alpha,
      pa + p * es,
      sa0,
      pb + p * sb0 * es,
      sb0,
      sb1,
      p === 0 ? beta : 1,
      pc,
      sc0,
      sc1,
      wb,
    );
  }
  if (epi !== undefined) {
    if (bias !== undefined) {
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
}
