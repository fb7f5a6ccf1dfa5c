import type { FloatArray } from '../dtype.js';
import type { Key } from '../random/key.js';
import type { GemmEpilogue } from './epilogue.js';

/**
 * Strided GEMM kernel signature; see `gemmReference` for the meaning of each argument. With
 * `epi`, the kernel adds a bias row and/or applies ReLU to C after the product
 * (see `GemmEpilogue`).
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

/** The fused first-layer gradient product; see `maskedGemmKernel`. */
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
}
