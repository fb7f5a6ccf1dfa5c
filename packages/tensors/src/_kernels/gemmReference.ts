import type { FloatArray } from '../dtype.js';

/**
 * Reference GEMM on strided operands: C = alpha * A B + beta * C with A: [m, k], B: [k, n],
 * C: [m, n], element (i, j) of X at `X[offsetX + i * strideX0 + j * strideX1]`. Transposes are
 * expressed by swapping strides. A plain triple loop accumulating in float64: the independent
 * reference every faster kernel is tested against. `beta = 0` overwrites C (NaN in C is not
 * propagated), as in BLAS.
 */
export function gemmReference(
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
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[oa + i * sa0 + p * sa1] * b[ob + p * sb0 + j * sb1];
      const ci = oc + i * sc0 + j * sc1;
      c[ci] = beta === 0 ? alpha * acc : alpha * acc + beta * c[ci];
    }
  }
}
