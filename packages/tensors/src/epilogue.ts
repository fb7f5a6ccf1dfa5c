import type { FloatArray } from './dtype.js';
import type { GemmKernel } from './kernelTypes.js';

/**
 * The elementwise map a backend applies in a GEMM epilogue, as data every backend implements
 * with the same bits: `leaky` sets `C[i, j] = slope * C[i, j] + 0` where `C[i, j] <= 0` (so
 * slope 0 is `max(C, 0)` with -0 turned into +0; NaN is kept). For float32 the slope is first
 * rounded to float32 and the product rounded once, as a float32 multiply does.
 */
export type KernelMap = { readonly kind: 'leaky'; readonly slope: number };

/**
 * What a GEMM kernel applies to C after the product, in place: `C[i, j] += bias[j]` when
 * `bias` is given (element j at `ob + j * sb`), then the elementwise `map` when given. The
 * operations and their order are fixed so every backend gives the same bits: one addition
 * rounded to C's dtype, then the comparison (and, for a nonzero slope, one multiply).
 */
export interface GemmEpilogue {
  readonly bias?: FloatArray;
  readonly sb: number;
  readonly ob: number;
  readonly map?: KernelMap;
}

/** The epilogue on a strided `[m, n]` view of `c`: the reference every backend matches. */
export function applyEpilogue(
  m: number,
  n: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
  epi: GemmEpilogue,
): void {
  const { bias, sb, ob, map } = epi;
  const relu = map !== undefined && map.slope === 0;
  const leaky = map !== undefined && map.slope !== 0;
  const f32 = c instanceof Float32Array;
  const slope = map === undefined ? 0 : f32 ? Math.fround(map.slope) : map.slope;
  for (let i = 0; i < m; i++) {
    const row = oc + i * sc0;
    for (let j = 0; j < n; j++) {
      const q = row + j * sc1;
      // Stored once, so float32 rounds the sum before the comparison, as the SIMD path does.
      if (bias !== undefined) c[q] += bias[ob + j * sb];
      if (relu) {
        if (c[q] <= 0) c[q] = 0;
      } else if (leaky && c[q] <= 0) {
        // Rounded to C's dtype before adding +0, so an underflow to -0 becomes +0 as in SIMD.
        c[q] = (f32 ? Math.fround(slope * c[q]) : slope * c[q]) + 0;
      }
    }
  }
}

/** A GEMM kernel that applies the epilogue itself, from one that ignores it. */
export function withEpilogue(kernel: GemmKernel): GemmKernel {
  return (m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc, epi) => {
    kernel(m, n, k, alpha, a, sa0, sa1, oa, b, sb0, sb1, ob, beta, c, sc0, sc1, oc);
    if (epi !== undefined && m > 0 && n > 0) applyEpilogue(m, n, c, sc0, sc1, oc, epi);
  };
}
