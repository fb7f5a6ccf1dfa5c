import { fmtShape } from './_shape.js';
import { kernels } from './backend.js';
import { gemmInto } from './gemm.js';
import { assertSameDType, assertTensor, type Matrix, sliceCols, sliceRows } from './tensor.js';
import { checkBoolean, checkFinite } from './validate.js';

/** Options for {@link syrkInto}. */
export interface SyrkOptions {
  /** Use A^T in place of A: `C = alpha * A^T A + beta * C` (a stride swap, never a copy). */
  trans?: boolean;
  /** Scale of the product; default 1. */
  alpha?: number;
  /** Scale of the existing C; default 0, which overwrites C. */
  beta?: number;
  /** The backend to run on, by name (default: the active one). */
  backend?: string;
}

// Columns of C per block of the lower triangle. Blocks of 32 columns keep each product wide enough
// for the GEMM kernels (m = 256 gives 8 blocks and 56 % of the full product's flops).
const BLOCK = 32;

/**
 * Symmetric rank-k update in place (BLAS SYRK): `C = alpha * op(A) op(A)^T + beta * C`, with
 * `op(A)` either A (`[n, k]`) or, with `trans`, A^T (A `[k, n]`, so `C = alpha A^T A + ...`).
 * Only the lower triangle is computed, about half the flops of `gemmInto(c, op(A), op(A)^T)`:
 * by the backend's own kernel when it has one (`wasm`: row blocks of the GEMM that stop at the
 * diagonal), else block column by block column of 32 columns, each one GEMM of the backend
 * (`js`). The strictly upper triangle is then copied from the lower one, so C comes out
 * exactly symmetric (with `beta != 0` the old C should be symmetric too).
 *
 * @param c - output `[n, n]`, overwritten (or accumulated into when `beta != 0`); must not
 *   alias A
 * @param a - `[n, k]` (or `[k, n]` with `trans`)
 * @throws {RangeError} when C is not `[n, n]` for op(A) `[n, k]`, or the dtypes disagree
 * @example
 * syrkInto(gram, x, { trans: true }); // gram = x^T x, x: [n, d], gram: [d, d]
 */
export function syrkInto(c: Matrix, a: Matrix, opts: SyrkOptions = {}): void {
  assertTensor('syrk', 'a', a, 2);
  assertTensor('syrk', 'c', c, 2);
  assertSameDType('syrk', { a, c });
  const alpha = checkFinite('syrk', 'alpha', opts.alpha ?? 1);
  const beta = checkFinite('syrk', 'beta', opts.beta ?? 0);
  const trans = opts.trans === undefined ? false : checkBoolean('syrk', 'trans', opts.trans);
  const n = trans ? a.shape[1] : a.shape[0];
  if (c.shape[0] !== n || c.shape[1] !== n)
    throw new RangeError(
      `syrk: c has shape ${fmtShape(c.shape)}, expected [${n}, ${n}] for op(a) of ${n} rows (a is ${fmtShape(a.shape)}, trans=${trans})`,
    );
  if (n === 0) return;
  const native = kernels(opts.backend, 'syrk').syrk;
  if (native !== undefined) {
    // op(A) as [n, k] strides: A's, or A^T's (a swap) with trans.
    const [sa0, sa1] = trans ? [a.stride[1], a.stride[0]] : a.stride;
    const k = trans ? a.shape[0] : a.shape[1];
    native(
      n,
      k,
      alpha,
      a.data,
      sa0,
      sa1,
      a.offset,
      beta,
      c.data,
      c.stride[0],
      c.stride[1],
      c.offset,
    );
  } else {
    // Rows [r0, r1) of op(A), as a view: rows of A, or columns of A with trans.
    const rows = (r0: number, r1: number): Matrix =>
      trans ? sliceCols(a, r0, r1) : sliceRows(a, r0, r1);
    const g = { alpha, beta, ...(opts.backend === undefined ? {} : { backend: opts.backend }) };
    for (let c0 = 0; c0 < n; c0 += BLOCK) {
      const c1 = Math.min(n, c0 + BLOCK);
      // Column block: C[c0:n, c0:c1] = alpha op(A)[c0:n] op(A)[c0:c1]^T + beta C[c0:n, c0:c1];
      // each block's right factor is packed once, as in one GEMM of the whole product.
      const block = sliceCols(sliceRows(c, c0, n), c0, c1);
      if (trans) gemmInto(block, rows(c0, n), rows(c0, c1), { ...g, transA: true });
      else gemmInto(block, rows(c0, n), rows(c0, c1), { ...g, transB: true });
    }
  }
  // The strictly upper triangle from the lower one.
  const [s0, s1] = c.stride;
  const d = c.data;
  for (let i = 0; i < n; i++) {
    const oi = c.offset + i * s0;
    for (let j = i + 1; j < n; j++) d[oi + j * s1] = d[c.offset + j * s0 + i * s1];
  }
}
