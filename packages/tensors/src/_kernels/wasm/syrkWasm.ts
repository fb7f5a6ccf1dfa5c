import type { FloatArray } from '../../dtype.js';
import { getArena } from './arena.js';
import { commonDType, copyIn, copyOut, span, tileOf } from './gemmWasm.js';

/**
 * The lower triangle of `C = alpha A A^T + beta C` (A `[n, k]`, C `[n, n]`, strided) in
 * WebAssembly SIMD: A^T is packed once per K chunk as the GEMM's B, and each block of rows of
 * C stops at the diagonal, so about half the flops of the GEMM (62 % at n = 256). C's span is
 * always copied into kernel memory, so entries the kernel does not reach keep their values.
 * Returns false (having done nothing) for mixed dtypes, k = 0, alpha = 0, or when the operands
 * do not fit the kernel memory: the caller then takes another path. C must not alias A.
 */
export function syrkWasm(
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  beta: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
): boolean {
  if (n === 0) return true;
  const t = commonDType(a, c);
  if (t === undefined || k === 0 || alpha === 0) return false;
  const ar = getArena();
  const es = t === 'f32' ? 4 : 8;
  const { nr, mb, kc: kmax } = tileOf(ar.fma, t);
  const kc = Math.min(k, kmax);
  const [la, ha] = span(oa, n, sa0, k, sa1);
  const [lc, hc] = span(oc, n, sc0, n, sc1);
  ar.reset();
  const wa = ar.alloc(mb * kc * es);
  const wb = ar.alloc(Math.ceil(n / nr) * nr * kc * es);
  const pa0 = ar.alloc((ha - la + 1) * es);
  const pc0 = ar.alloc((hc - lc + 1) * es);
  if (!ar.reserve()) return false;
  copyIn(ar, a, la, ha, pa0);
  copyIn(ar, c, lc, hc, pc0);
  const pa = pa0 + (oa - la) * es;
  const pc = pc0 + (oc - lc) * es;
  const kernel = t === 'f32' ? ar.kernels.syrk_f32 : ar.kernels.syrk_f64;
  for (let p = 0; p < k; p += kmax) {
    const kk = Math.min(kmax, k - p);
    kernel(n, kk, alpha, pa + p * sa1 * es, sa0, sa1, p === 0 ? beta : 1, pc, sc0, sc1, wa, wb);
  }
  copyOut(ar, c, lc, hc, pc0);
  return true;
}
