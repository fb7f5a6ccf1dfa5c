import type { FloatArray } from './dtype.js';
import type { GemmEpilogue } from './epilogue.js';
import type { Key } from './random/key.js';

/**
 * Strided GEMM kernel signature; see `gemmReference` for the meaning of each argument. With
 * `epi`, the kernel adds a bias row and/or applies an elementwise map to C after the product
 * (see `GemmEpilogue`; `withEpilogue` adds it to a kernel that has none).
 */
export type GemmKernel = (
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
) => void;

/**
 * Fills a `[rows, cols]` view of `out` (element (i, j) at `offset + i * s0 + j * s1`) with the
 * bulk normal stream of key `k` in row-major order; see `fillNormalKernel`, the reference.
 */
export type FillNormalKernel = (
  k: Key,
  rows: number,
  cols: number,
  out: FloatArray,
  s0: number,
  s1: number,
  offset: number,
) => void;

/**
 * The factor a row-masked product applies to `g a^T`, elementwise, given as data every backend
 * implements: `step` is `below` where `z <= 0` (NaN included) and `above` where `z > 0` (the
 * default is `below: 0, above: 1`, for which the product is exactly 0 below, never
 * `0 * inf`); `matrix` is an explicit `[n, m]` matrix of factors (element (i, j) at
 * `offset + i * s0 + j * s1`), for a derivative that is no step.
 */
export type MaskFactor =
  | { readonly kind: 'step'; readonly below: number; readonly above: number }
  | {
      readonly kind: 'matrix';
      readonly data: FloatArray;
      readonly s0: number;
      readonly s1: number;
      readonly offset: number;
    };

/**
 * The fused first-layer gradient product
 * `out = alpha * (F ⊙ (g a^T))^T x + beta * out`, with F given by `factor` (see
 * `MaskFactor`; default 1 where z > 0, else 0); see `maskedGemmKernel`, the reference.
 */
export type MaskedGemmKernel = (
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
) => void;

/**
 * Strided symmetric rank-k update `C = alpha A A^T + beta C` for A `[n, k]` (element (i, p) at
 * `oa + i * sa0 + p * sa1`) and C `[n, n]`: computes at least C's lower triangle, diagonal
 * included; entries above the diagonal may be left as they were or overwritten with their
 * values of the product (`syrkInto` then copies the lower triangle up). C must not alias A.
 */
export type SyrkKernel = (
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
) => void;

/**
 * The small interface a compute backend implements. Callers reach the hot paths only through
 * it, so a faster backend (WebAssembly SIMD, threads) replaces kernels without touching them.
 */
export interface KernelBackend {
  readonly name: string;
  readonly gemm: GemmKernel;
  readonly fillNormal: FillNormalKernel;
  readonly maskedGemm: MaskedGemmKernel;
  /**
   * Optional: the lower triangle of a symmetric rank-k update (`syrkInto`); without it,
   * `syrkInto` runs the backend's `gemm` block column by block column.
   */
  readonly syrk?: SyrkKernel;
  /**
   * Optional: a GEMM whose B is upper triangular (`B[p, j] = 0` for p > j, which it need not
   * read), for `gemmUpperInto`; without it, `gemmUpperInto` runs `gemm`.
   */
  readonly gemmUpper?: GemmKernel;
}
