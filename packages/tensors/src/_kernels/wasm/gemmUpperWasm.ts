import type { GemmKernel } from '../../kernelTypes.js';
import { arenaGemm, gemmWasm } from './gemmWasm.js';

/**
 * `gemmWasm` for an upper-triangular B (`B[p, j] = 0` for p > j, never read): each strip of
 * NR columns of B sums over K only up to its last column, so at K = N about half the flops.
 * Same contract and epilogue as `gemmWasm`; A must be unit-stride along K (`sa1 = 1`, the
 * micro kernels read it in place), otherwise, and for mixed dtypes, k = 0 or alpha = 0, this
 * is `gemmWasm` itself.
 */
export const gemmUpperWasm: GemmKernel = arenaGemm('upper', gemmWasm);
