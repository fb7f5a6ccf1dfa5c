import type { FloatArray } from '../dtype.js';
import type { GemmKernel, MaskFactor } from '../kernelTypes.js';

// 256 rows: one full k-panel of gemmBlocked (KC = 256), so each block is one pass over `out`
// with full-depth micro-kernels; 128 rows made twice as many passes over `out`.
const ROW_BLOCK = 256;
let scratch = new Float64Array(0);
let scratch32 = new Float32Array(0);

/** Whether a factor is the step 0 below / 1 above zero (the default), which has a fast path. */
export function isUnitStep(f: MaskFactor | undefined): boolean {
  return f === undefined || (f.kind === 'step' && f.below === 0 && f.above === 1);
}

/**
 * out = alpha * (F(z) ⊙ (g a^T))^T x + beta * out, the first-layer gradient of a two-layer
 * network. z: [n, m], g: [n], a: [m], x: [n, d], out: [m, d], all strided; F(z) is the
 * `factor` (default: 1 where z > 0, else 0). The n x m factor is formed ROW_BLOCK rows at a
 * time in a reused scratch buffer (float64, or x's dtype with `matchScratch`), so no full-size
 * temporary is allocated, and each block is multiplied in with the given GEMM kernel.
 */
export function maskedGemmKernel(
  gemm: GemmKernel,
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
  matchScratch = false,
): void {
  if (n === 0) {
    gemm(m, d, 0, alpha, z, 0, 0, 0, x, 0, 0, 0, beta, out, so0, so1, oo);
    return;
  }
  let s: Float64Array | Float32Array;
  if (matchScratch && x instanceof Float32Array) {
    if (scratch32.length < ROW_BLOCK * m) scratch32 = new Float32Array(ROW_BLOCK * m);
    s = scratch32;
  } else {
    if (scratch.length < ROW_BLOCK * m) scratch = new Float64Array(ROW_BLOCK * m);
    s = scratch;
  }
  const unit = isUnitStep(factor);
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, n - r0);
    for (let i = 0; i < rows; i++) {
      const gi = g[og + (r0 + i) * sg];
      let zo = oz + (r0 + i) * sz0;
      let ao = oa;
      const so = i * m;
      if (unit || factor === undefined) {
        for (let j = 0; j < m; j++, zo += sz1, ao += sa) s[so + j] = z[zo] > 0 ? gi * a[ao] : 0;
      } else if (factor.kind === 'step') {
        const { below, above } = factor;
        for (let j = 0; j < m; j++, zo += sz1, ao += sa) {
          const ga = gi * a[ao];
          s[so + j] = z[zo] > 0 ? (above === 1 ? ga : ga * above) : below === 0 ? 0 : ga * below;
        }
      } else {
        const { data: f, s0: f0, s1: f1, offset } = factor;
        let fo = offset + (r0 + i) * f0;
        for (let j = 0; j < m; j++, ao += sa, fo += f1) s[so + j] = gi * a[ao] * f[fo];
      }
    }
    // out (m x d) += alpha * S^T (m x rows) X_block (rows x d); beta applies on the first block.
    gemm(
      m,
      d,
      rows,
      alpha,
      s,
      1,
      m,
      0,
      x,
      sx0,
      sx1,
      ox + r0 * sx0,
      r0 === 0 ? beta : 1,
      out,
      so0,
      so1,
      oo,
    );
  }
}
