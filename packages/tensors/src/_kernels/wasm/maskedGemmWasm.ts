import type { FloatArray } from '../../dtype.js';
import type { MaskFactor } from '../../kernelTypes.js';
import { gemmBlocked } from '../gemmBlocked.js';
import { isUnitStep, maskedGemmKernel } from '../maskedGemm.js';
import { getArena } from './arena.js';
import { commonDType, copyIn, copyOut, gemmWasm, span, tileOf } from './gemmWasm.js';

/**
 * out = alpha * ((z > 0) ⊙ (g a^T))^T x + beta * out in WebAssembly SIMD; same contract as
 * `maskedGemmKernel` (z: [n, m], g: [n], a: [m], x: [n, d], out: [m, d], all strided). The
 * masked factor is formed while packing, one row block (63 or 64 hidden units, `tileOf`) at
 * a time, so it never exists as an n x m array. Mixed dtypes, n = 0 and alpha = 0 go to the
 * TypeScript kernel. A factor other than the default step is formed in TypeScript, a row
 * block at a time in x's dtype, and multiplied in with the WebAssembly GEMM.
 */
export function maskedGemmWasm(
  n: number,
  m: number,
  d: number,
  alpha: number,
  z: FloatArray,
  sz0: number,
  sz1: number,
  oz: number,
  g: FloatArray,
  sg: number,
  og: number,
  a: FloatArray,
  sa: number,
  oa: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
  beta: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  factor?: MaskFactor,
): void {
  if (m === 0 || d === 0) return;
  // A step with 1 above zero (a leaky ReLU's derivative) has its own SIMD kernel; any other
  // factor is formed in TypeScript, a row block at a time, and multiplied by the SIMD GEMM.
  const leaky =
    factor !== undefined && factor.kind === 'step' && factor.above === 1 && !isUnitStep(factor);
  if (!isUnitStep(factor) && !leaky) {
    const gemm = commonDType(z, g, a, x, out) === undefined ? gemmBlocked : gemmWasm;
    maskedGemmKernel(
      gemm,
      n,
      m,
      d,
      alpha,
      z,
      sz0,
      sz1,
      oz,
      g,
      sg,
      og,
      a,
      sa,
      oa,
      x,
      sx0,
      sx1,
      ox,
      beta,
      out,
      so0,
      so1,
      oo,
      factor,
      true,
    );
    return;
  }
  const t = commonDType(z, g, a, x, out);
  const ar = t === undefined || n === 0 || alpha === 0 ? undefined : getArena();
  const fallback = () =>
    maskedGemmKernel(
      gemmBlocked,
      n,
      m,
      d,
      alpha,
      z,
      sz0,
      sz1,
      oz,
      g,
      sg,
      og,
      a,
      sa,
      oa,
      x,
      sx0,
      sx1,
      ox,
      beta,
      out,
      so0,
      so1,
      oo,
      factor,
    );
  if (ar === undefined || t === undefined) {
    fallback();
    return;
  }
  const es = t === 'f32' ? 4 : 8;
  const { nr, mb, kc: kmax } = tileOf(ar.fma, t);
  const kc = Math.min(n, kmax);
  const [lz, hz] = span(oz, n, sz0, m, sz1);
  const [lg, hg] = span(og, n, sg, 1, 0);
  const [la, ha] = span(oa, m, sa, 1, 0);
  const [lx, hx] = span(ox, n, sx0, d, sx1);
  const [lo, ho] = span(oo, m, so0, d, so1);
  ar.reset();
  const wa = ar.alloc(mb * kc * es);
  const wb = ar.alloc(Math.ceil(d / nr) * nr * kc * es);
  const pz0 = ar.alloc((hz - lz + 1) * es);
  const pg0 = ar.alloc((hg - lg + 1) * es);
  const pa0 = ar.alloc((ha - la + 1) * es);
  const px0 = ar.alloc((hx - lx + 1) * es);
  const po0 = ar.alloc((ho - lo + 1) * es);
  if (!ar.reserve()) {
    fallback();
    return;
  }
  copyIn(ar, z, lz, hz, pz0);
  copyIn(ar, g, lg, hg, pg0);
  copyIn(ar, a, la, ha, pa0);
  copyIn(ar, x, lx, hx, px0);
  if (beta !== 0 || ho - lo + 1 !== m * d) copyIn(ar, out, lo, ho, po0);
  const pz = pz0 + (oz - lz) * es;
  const pg = pg0 + (og - lg) * es;
  const pa = pa0 + (oa - la) * es;
  const px = px0 + (ox - lx) * es;
  const po = po0 + (oo - lo) * es;
  const below = leaky ? (factor as { below: number }).below : 0;
  for (let p = 0; p < n; p += kmax) {
    const args = [
      Math.min(kmax, n - p),
      m,
      d,
      alpha,
      pz + p * sz0 * es,
      sz0,
      sz1,
      pg + p * sg * es,
      sg,
      pa,
      sa,
      px + p * sx0 * es,
      sx0,
      sx1,
      p === 0 ? beta : 1,
      po,
      so0,
      so1,
      wa,
      wb,
    ] as const;
    if (!leaky) (t === 'f32' ? ar.kernels.masked_f32 : ar.kernels.masked_f64)(...args);
    else (t === 'f32' ? ar.kernels.masked_leaky_f32 : ar.kernels.masked_leaky_f64)(...args, below);
  }
  copyOut(ar, out, lo, ho, po0);
}
