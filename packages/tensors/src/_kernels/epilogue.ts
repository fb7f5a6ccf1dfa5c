import type { FloatArray } from '../dtype.js';
import type { GemmKernel } from './types.js';

/**
 * What a GEMM kernel applies to C after the product, in place: `C[i, j] += bias[j]` when
 * `bias` is given (element j at `ob + j * sb`), then `C[i, j] = 0` where `relu` and
 * `C[i, j] <= 0` (NaN is kept, -0 becomes +0). The operations and their order are fixed so
 * every backend gives the same bits: one addition rounded to C's dtype, then the comparison.
 */
export interface GemmEpilogue {
  readonly bias?: FloatArray;
  readonly sb: number;
  readonly ob: number;
  readonly relu: boolean;
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
  const { bias, sb, ob, relu } = epi;
  for (let i = 0; i < m; i++) {
    const row = oc + i * sc0;
    for (let j = 0; j < n; j++) {
      const q = row + j * sc1;
      // Stored once, so float32 rounds the sum before the comparison, as the SIMD path does.
      if (bias !== undefined) c[q] += bias[ob + j * sb];
      if (relu && c[q] <= 0) c[q] = 0;
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
