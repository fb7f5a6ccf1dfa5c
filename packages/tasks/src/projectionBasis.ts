import {
  assertShape,
  assertTensor,
  cholesky,
  copy,
  copyInto,
  eye,
  gemmInto,
  type Matrix,
  matmul,
  NotPositiveDefiniteError,
  qr,
  sliceRows,
  syrkInto,
  transpose,
  zeros,
} from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import type { GroundTruth } from './groundTruth.js';

/**
 * An orthonormal basis B of a subspace of R^d that contains the rows of a layer `w` and of the
 * ground truth M, with those rows written in it. Inputs enter a two-layer network and the labels
 * of every task only through `w x` and `M x`, which are `(w B^T)(B x)` and `(M B^T)(B x)`: for
 * Gaussian inputs `u = B x` is a standard normal vector of dimension k, so a whole batch can be
 * drawn at dimension k instead of d (docs: Specification, 'The projected sampler').
 */
export interface ProjectionBasis {
  /** Number of basis vectors: k = min(m + r, d). */
  readonly k: number;
  /** B: `[k, d]`, orthonormal rows (`B B^T = I_k`) whose span contains the rows of w and M. */
  readonly basis: Matrix<'float64'>;
  /** The rows of w in the basis, `w B^T`: `[m, k]` (and `w = (w B^T) B`). */
  readonly wInBasis: Matrix<'float64'>;
  /** The rows of M in the basis, `M B^T`: `[r, k]`; the projection is `z = (M B^T) u`. */
  readonly mInBasis: Matrix<'float64'>;
  /**
   * True when m + r >= d: B is then the identity of R^d, and nothing of x lies outside the
   * basis (a projected sampler has no orthogonal remainder to account for).
   */
  readonly complete: boolean;
}

/**
 * An orthonormal basis of the span of the rows of `w` and of `gt.m`, with their coordinates.
 *
 * With `A = [w; M]` (`[m + r, d]`, in float64), B comes from CholeskyQR2 (two passes of
 * `A = L Q` with `L L^T = A A^T`, each a Gram product (one triangle, `syrkInto`), a Cholesky
 * factor of size m + r and a triangular solve done as a product: O((m + r)^2 d) in GEMMs,
 * with A in a scratch buffer kept between calls of the same size; the second product is skipped
 * when the first pass is orthonormal to 1e-10 already), or from a Householder QR of `A^T`
 * when A is too ill-conditioned for it (rows nearly dependent). When A has dependent rows
 * B still has k = m + r orthonormal rows, and a few of them are an arbitrary completion: the
 * span contains the rows either way, which is all a projected sampler needs. When m + r >= d,
 * B is the identity.
 *
 * @param gt - the ground truth (`m: [r, d]`)
 * @param w - `[m, d]`, float32 or float64 (for example a layer's weights); not modified
 * @param opts - `{ basis }`: a contiguous float64 `[m + r, d]` matrix to write B into and
 *   return as `basis` (a buffer reused from call to call: at large d a fresh one costs more in
 *   first-touch page faults than the products); ignored when m + r >= d
 * @returns `{ k, basis: [k, d], wInBasis: [m, k], mInBasis: [r, k], complete }`, float64
 * @throws {RangeError} when w does not have d columns, or an entry of w is NaN or infinite
 * @throws {TypeError} when gt or w is malformed
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 2 });
 * const b = projectionBasis(gt, normal(key(1), [6, 64]));
 * b.k; // returns 8
 * // matmul(b.wInBasis, b.basis) equals the 6 rows of w (to rounding)
 */
export function projectionBasis(
  gt: GroundTruth,
  w: Matrix,
  opts: { basis?: Matrix<'float64'> } = {},
): ProjectionBasis {
  const op = 'projectionBasis';
  checkGroundTruth(op, gt);
  assertTensor(op, 'w', w, 2);
  const [m, d] = w.shape;
  if (d !== gt.d)
    throw new RangeError(`${op}: w has shape [${m}, ${d}], expected ${gt.d} columns (gt.d)`);
  if (!allFinite(w))
    for (let i = 0; i < m; i++)
      for (let j = 0; j < d; j++) {
        const v = w.data[w.offset + i * w.stride[0] + j * w.stride[1]];
        if (!Number.isFinite(v))
          throw new RangeError(`${op}: w has a non-finite entry: w[${i}, ${j}] = ${v}`);
      }
  const r = gt.r;
  const k = m + r;
  if (k >= d) {
    return {
      k: d,
      basis: eye(d),
      wInBasis: copy(w, 'float64'),
      mInBasis: copy(gt.m, 'float64'),
      complete: true,
    };
  }
  const into = opts?.basis;
  if (into !== undefined) {
    assertShape(op, 'opts.basis', into, [k, d]);
    if (into.dtype !== 'float64' || into.stride[1] !== 1 || into.stride[0] !== d)
      throw new RangeError(`${op}: opts.basis must be a contiguous float64 [${k}, ${d}] matrix`);
  }
  const a = scratch(k, d);
  copyRows(a, 0, w);
  copyRows(a, m, gt.m);
  let basis: Matrix<'float64'>;
  let coords: Matrix<'float64'>;
  try {
    // A = L1 Q1 and Q1 = L2 B, so A B^T = L1 L2 (lower triangular). The second pass is skipped
    // when Q1 is already orthonormal to 1e-10 (a well-conditioned A, such as a random layer).
    const l1 = cholesky(gramOf(a));
    const q1 = into ?? zeros([k, d] as const);
    gemmInto(q1, invertLower(l1), a);
    const gram = gramOf(q1);
    if (distanceToIdentity(gram) <= 1e-10) {
      basis = q1;
      coords = l1;
    } else {
      const l2 = cholesky(gram);
      // A is no longer needed: B goes there, then into q1's memory.
      gemmInto(a, invertLower(l2), q1);
      q1.data.set(a.data.subarray(0, k * d), q1.offset);
      basis = q1;
      coords = matmul(l1, l2);
    }
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
    // A^T = Q R: B = Q^T and A B^T = R^T. (A is intact: a failed factor precedes any write.)
    const f = qr(transpose(a));
    if (into === undefined) basis = copy(transpose(f.q));
    else {
      copyInto(into, transpose(f.q));
      basis = into;
    }
    coords = copy(transpose(f.r));
  }
  return {
    k,
    basis,
    wInBasis: copy(sliceRows(coords, 0, m)),
    mInBasis: copy(sliceRows(coords, m, k)),
    complete: false,
  };
}

// Whether every entry of a matrix is finite: one pass over contiguous data (0 * v is 0 for a
// finite v and NaN otherwise), an entry by entry look otherwise.
function allFinite(w: Matrix): boolean {
  const [rows, cols] = w.shape;
  if (w.stride[1] !== 1 || w.stride[0] !== cols) return false;
  const d = w.data;
  let t = 0;
  const end = w.offset + rows * cols;
  for (let i = w.offset; i < end; i++) t += 0 * d[i];
  return t === 0;
}

// src into the rows of a (contiguous, float64) from row `at`: one typed-array copy (which
// converts float32 to float64 exactly) when src is contiguous too.
function copyRows(a: Matrix<'float64'>, at: number, src: Matrix): void {
  const [rows, cols] = src.shape;
  if (src.stride[1] === 1 && src.stride[0] === cols)
    a.data.set(src.data.subarray(src.offset, src.offset + rows * cols), at * cols);
  else copyInto(sliceRows(a, at, at + rows), src);
}

// max |g_ij - delta_ij| of a square matrix.
function distanceToIdentity(g: Matrix<'float64'>): number {
  const n = g.shape[0];
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      worst = Math.max(worst, Math.abs(g.data[i * n + j] - (i === j ? 1 : 0)));
  return worst;
}

// a a^T, symmetric: one triangle's products (syrkInto), about half the flops of the GEMM.
function gramOf(a: Matrix<'float64'>): Matrix<'float64'> {
  const n = a.shape[0];
  const g = zeros([n, n] as const);
  syrkInto(g, a);
  return g;
}

// The scratch matrix A ([k, d], float64) of this thread, kept between calls of one size.
let scratchA: Matrix<'float64'> | undefined;
function scratch(k: number, d: number): Matrix<'float64'> {
  if (scratchA === undefined || scratchA.shape[0] !== k || scratchA.shape[1] !== d)
    scratchA = zeros([k, d] as const);
  return scratchA;
}

// The inverse of a lower-triangular matrix with a positive diagonal, by forward substitution
// column by column (k^3 / 3 flops: small next to the k^2 d of the products).
function invertLower(l: Matrix<'float64'>): Matrix<'float64'> {
  const n = l.shape[0];
  const L = l.data;
  const out = zeros([n, n] as const);
  const X = out.data;
  for (let j = 0; j < n; j++) {
    X[j * n + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s += L[i * n + p] * X[p * n + j];
      X[i * n + j] = -s / L[i * n + i];
    }
  }
  return out;
}
