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
  sliceRows,
  syrkInto,
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
 * when the first pass is orthonormal to 1e-10 already). When the Gram is not positive definite
 * (A has dependent rows, as an oracle layer's, or nearly dependent ones, as a layer collapsed
 * onto a few directions), a rank-revealing path of the same O((m + r)^2 d) GEMMs takes over:
 * an orthonormal basis P of the rows of A (a pivoted Cholesky factor of the Gram selects
 * independent rows, refined on the residual `A - (A P^T) P` until every row of A is reproduced
 * to 1e-13 of its norm), completed to k rows by standard basis vectors projected off P and
 * orthonormalised. B then still has k = m + r orthonormal rows, the completion's an arbitrary
 * (well-conditioned) choice, in which w and M have coordinates exactly 0: the span contains the
 * rows either way, which is all a projected sampler needs. When m + r >= d, B is the identity.
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
  const a = scratch('a', k, d);
  copyRows(a, 0, w);
  copyRows(a, m, gt.m);
  const gram = gramOf(a);
  const basis = into ?? zeros([k, d] as const);
  let coords: Matrix<'float64'> | undefined;
  try {
    // A = L1 Q1 and Q1 = L2 B, so A B^T = L1 L2 (lower triangular). The second pass is skipped
    // when Q1 is already orthonormal to 1e-10 (a well-conditioned A, such as a random layer).
    const l1 = cholesky(gram);
    gemmInto(basis, invertLower(l1), a);
    const g1 = gramOf(basis);
    if (distanceToIdentity(g1) <= 1e-10) coords = l1;
    else {
      const l2 = cholesky(g1);
      // A is no longer needed: B goes there, then into the basis' memory.
      gemmInto(a, invertLower(l2), basis);
      basis.data.set(a.data.subarray(0, k * d), basis.offset);
      coords = matmul(l1, l2);
    }
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
  }
  // A is intact when a factor failed (each precedes any write to A), and so is its Gram.
  if (coords === undefined) coords = deficientBasis(a, gram, basis);
  return {
    k,
    basis,
    wInBasis: copy(sliceRows(coords, 0, m)),
    mInBasis: copy(sliceRows(coords, m, k)),
    complete: false,
  };
}

// Tolerances of the rank-deficient path (see deficientBasis).
// A row is selected while its squared distance to the span of the rows selected before exceeds
// this fraction of the largest squared row norm: the Gram's rounding is about 1e-16 of it, and
// the selected rows then have a Gram of condition at most about 1e10, which one Cholesky pass
// orthonormalises to 1e-6 and a second to rounding.
const SELECT_TOL = 1e-10;
// A row a_i of A counts as spanned by P when ||a_i - (a_i P^T) P|| <= RESIDUAL_TOL ||a_i||: about
// 100 times the rounding of the residual's own computation (a few 1e-16 ||a_i||), so rows are
// reproduced to 1e-13 of their norm at worst, and to rounding when they lie in the span.
const RESIDUAL_TOL = 1e-13;
// Rows count as orthonormal when max |P P^T - I| <= ORTHO_TOL (their Gram's own rounding is
// about 1e-15 at d = 65536); otherwise one more Cholesky pass, at most MAX_ORTHO_PASSES.
const ORTHO_TOL = 1e-13;
const MAX_ORTHO_PASSES = 3;
// At most this many selections on A and then on its residuals (two suffice unless the rows
// have singular values spread over more than 1e10: each pass resolves 1e5 of them at least).
const MAX_PASSES = 4;
// The completion's coordinate vectors must each add at least this much squared norm outside
// span(P) (out of 1) among the first candidates; otherwise all d coordinates are candidates.
const MIN_COMPLETION_PIVOT = 1e-6;

/**
 * B for an A whose Gram is not positive definite (dependent or nearly dependent rows, such as
 * an oracle layer's, or a layer collapsed onto a few directions), in O(k^2 d) flops of GEMMs and
 * Gram products; returns the coordinates `[k, k]` and writes B into `b`.
 *
 * 1. P, an orthonormal basis of the rows of A: a Cholesky factorisation of the Gram with
 *    diagonal pivoting, stopped when no row left is farther from the span of the rows taken
 *    than sqrt(SELECT_TOL) times the largest row norm, gives those rows S with `G_SS = L L^T`, and
 *    `P = L^{-1} A_S` (then a Cholesky re-orthonormalisation, `orthonormalize`). The residual
 *    `R = A - (A P^T) P` is formed with GEMMs; while a row of it exceeds RESIDUAL_TOL of the row
 *    of A, the same selection on those rows of R adds directions (projected off P, then the
 *    whole P re-orthonormalised), so directions below the Gram's resolution (singular values
 *    below about 1e-5 of the largest) are kept.
 * 2. The completion to k rows: q = k - rho standard basis vectors e_j with the smallest column
 *    norms of P, chosen by a pivoted Cholesky of `I - P_J^T P_J` over the 2k candidates (so that
 *    `E' = E - (E P^T) P` is well conditioned: its Gram is that matrix), orthonormalised as
 *    `L^{-1} E'` with that factor, in one GEMM `-(L^{-1} P_J^T) P` plus the entries of L^{-1},
 *    then checked (Gram, and products with P) and re-orthonormalised if need be. Should a pivot
 *    fall below MIN_COMPLETION_PIVOT, all d coordinates are candidates (a projector's pivoted
 *    factor always finds q pivots then: each is at least about 1/d).
 * 3. Coordinates: `A P^T` in the first rho columns and exactly 0 in the completion's.
 *
 * Any orthonormal completion serves the projected sampler: `u = B x` is N(0, I_k) for every
 * orthonormal B (docs: Specification, 'The projected sampler').
 */
function deficientBasis(
  a: Matrix<'float64'>,
  gram: Matrix<'float64'>,
  b: Matrix<'float64'>,
): Matrix<'float64'> {
  const [k, d] = a.shape;
  const work = scratch('work', k, d);
  const norm2 = new Float64Array(k);
  for (let i = 0; i < k; i++) norm2[i] = gram.data[i * k + i];
  let rho = 0;
  let src = a;
  let g = gram;
  let c: Matrix<'float64'> | undefined;
  for (let pass = 0; ; pass++) {
    const sel = pivotedCholesky(g, SELECT_TOL, k - rho);
    if (sel.order.length > 0) {
      const fresh = sliceRows(b, rho, rho + sel.order.length);
      gemmInto(fresh, selector(sel, src.shape[0]), src);
      if (rho > 0) {
        const p = sliceRows(b, 0, rho);
        const x = zeros([sel.order.length, rho] as const);
        gemmInto(x, fresh, p, { transB: true });
        gemmInto(fresh, x, p, { alpha: -1, beta: 1 });
      }
      rho = orthonormalize(sliceRows(b, 0, rho + sel.order.length), work);
    }
    if (rho === 0) break;
    // R = A - (A P^T) P, in work; rows of R too large for their row of A go to its top.
    const p = sliceRows(b, 0, rho);
    c = zeros([k, rho] as const);
    gemmInto(c, a, p, { transB: true });
    // Nothing can be added once P has k rows, or after the last pass: no residual then.
    if (rho === k || pass + 1 === MAX_PASSES) break;
    work.data.set(a.data.subarray(0, k * d));
    const res = sliceRows(work, 0, k);
    gemmInto(res, c, p, { alpha: -1, beta: 1 });
    let bad = 0;
    const R = work.data;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = i * d; j < (i + 1) * d; j++) s += R[j] * R[j];
      if (s > RESIDUAL_TOL * RESIDUAL_TOL * norm2[i]) {
        if (bad !== i) R.copyWithin(bad * d, i * d, (i + 1) * d);
        bad++;
      }
    }
    if (bad === 0 || sel.order.length === 0) break;
    src = sliceRows(work, 0, bad);
    g = gramOf(src);
  }
  if (rho < k) completeBasis(b, rho, work);
  const coords = zeros([k, k] as const);
  if (c !== undefined)
    for (let i = 0; i < k; i++)
      for (let l = 0; l < rho; l++) coords.data[i * k + l] = c.data[i * rho + l];
  return coords;
}

// Makes the rows of `rows` (a view of contiguous rows) orthonormal in place, in their span: a
// Cholesky pass (`rows <- L^{-1} rows`, `L L^T = rows rows^T`) until the Gram is within
// ORTHO_TOL of the identity. Should the Gram not be positive definite (rows dependent to
// working precision), a pivoted factor keeps an independent subset, and the count falls.
// Returns the number of rows kept (at the top). `work` is scratch of at least as many rows.
function orthonormalize(rows: Matrix<'float64'>, work: Matrix<'float64'>): number {
  let n = rows.shape[0];
  const d = rows.shape[1];
  for (let pass = 0; n > 0; pass++) {
    const v = sliceRows(rows, 0, n);
    const g = gramOf(v);
    if (distanceToIdentity(g) <= ORTHO_TOL || pass === MAX_ORTHO_PASSES) break;
    let f: Matrix<'float64'>;
    try {
      f = invertLower(cholesky(g));
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
      f = selector(pivotedCholesky(g, SELECT_TOL, n), n);
    }
    n = f.shape[0];
    const t = sliceRows(work, 0, n);
    gemmInto(t, f, v);
    rows.data.set(t.data.subarray(t.offset, t.offset + n * d), rows.offset);
  }
  return n;
}

// Rows rho..k of b: an orthonormal basis of a complement of span(P) (P = rows 0..rho, orthonormal)
// made of standard basis vectors projected off P. See deficientBasis, step 2.
function completeBasis(b: Matrix<'float64'>, rho: number, work: Matrix<'float64'>): void {
  const [k, d] = b.shape;
  const q = k - rho;
  const P = b.data;
  const off = b.offset;
  const colNorm = new Float64Array(d);
  for (let l = 0; l < rho; l++) for (let j = 0; j < d; j++) colNorm[j] += P[off + l * d + j] ** 2;
  let pick = pivotedComplement(b, rho, smallest(colNorm, Math.min(d, 2 * k)), q);
  if (pick.minPivot < MIN_COMPLETION_PIVOT && 2 * k < d)
    pick = pivotedComplement(b, rho, smallest(colNorm, d), q);
  if (pick.columns.length < q)
    throw new Error(`projectionBasis: no complement of rank ${q} found (internal error)`);
  // E'' = L^{-1} (E_J - P_J^T P) = L^{-1} E_J - (L^{-1} P_J^T) P, with L L^T = I - P_J^T P_J.
  const linv = invertLower(pick.l);
  const e = sliceRows(b, rho, k);
  if (rho > 0) {
    const pj = zeros([q, rho] as const);
    for (let s = 0; s < q; s++)
      for (let l = 0; l < rho; l++) pj.data[s * rho + l] = P[off + l * d + pick.columns[s]];
    gemmInto(e, matmul(linv, pj), sliceRows(b, 0, rho), { alpha: -1 });
  } else e.data.fill(0, e.offset, e.offset + q * d);
  for (let s = 0; s < q; s++)
    for (let t = 0; t <= s; t++) e.data[e.offset + s * d + pick.columns[t]] += linv.data[s * q + t];
  for (let pass = 0; ; pass++) {
    if (orthonormalize(e, work) !== q)
      throw new Error(`projectionBasis: the completion lost rank (internal error)`);
    if (rho === 0 || pass === MAX_ORTHO_PASSES) break;
    // Orthogonal to P to rounding already unless P_J was badly conditioned: check, and project.
    const p = sliceRows(b, 0, rho);
    const x = zeros([q, rho] as const);
    gemmInto(x, e, p, { transB: true });
    let worst = 0;
    for (let i = 0; i < x.data.length; i++) worst = Math.max(worst, Math.abs(x.data[i]));
    if (worst <= ORTHO_TOL) break;
    gemmInto(e, x, p, { alpha: -1, beta: 1 });
  }
}

// The indices of the `count` smallest entries of v (ties to the lower index), ascending.
function smallest(v: Float64Array, count: number): number[] {
  if (count >= v.length) return Array.from(v.keys());
  const cut = Float64Array.from(v).sort()[count - 1];
  const out: number[] = [];
  for (let j = 0; j < v.length; j++) if (v[j] < cut) out.push(j);
  for (let j = 0; j < v.length && out.length < count; j++) if (v[j] === cut) out.push(j);
  return out.sort((x, y) => x - y);
}

// A Cholesky factorisation with diagonal pivoting of H = I - P_pool^T P_pool (the Gram of the
// candidates e_j, j in pool, projected off the orthonormal rows P = b's first rho rows), one
// column at a time, stopped after q pivots: the columns taken, L (`[q, q]`, `L L^T = H_JJ`) and
// the smallest pivot (0 when fewer than q were found). O(|pool| q (rho + q)) flops.
function pivotedComplement(
  b: Matrix<'float64'>,
  rho: number,
  pool: number[],
  q: number,
): { columns: number[]; l: Matrix<'float64'>; minPivot: number } {
  const d = b.shape[1];
  const n = pool.length;
  const pt = new Float64Array(n * rho);
  for (let x = 0; x < n; x++)
    for (let l = 0; l < rho; l++) pt[x * rho + l] = b.data[b.offset + l * d + pool[x]];
  const diag = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    let s = 0;
    for (let l = 0; l < rho; l++) s += pt[x * rho + l] ** 2;
    diag[x] = 1 - s;
  }
  // An off-diagonal entry of H: minus the product of two columns of P.
  const entry = (x: number, j: number) => {
    let h = 0;
    for (let l = 0; l < rho; l++) h -= pt[x * rho + l] * pt[j * rho + l];
    return h;
  };
  const f = pivotedFactor(diag, entry, 0, q);
  return {
    columns: f.order.map((x) => pool[x]),
    l: f.l,
    minPivot: f.order.length < q ? 0 : f.minPivot,
  };
}

// A Cholesky factorisation with diagonal pivoting of a symmetric positive semi-definite g
// (`[n, n]`, contiguous): pivots taken while the largest remaining diagonal entry exceeds
// `tol` times the largest diagonal entry of g, at most maxRank of them. Returns the rows taken,
// in order, and L (`[rank, rank]`, lower) with `g_SS = L L^T`.
function pivotedCholesky(
  g: Matrix<'float64'>,
  tol: number,
  maxRank: number,
): { order: number[]; l: Matrix<'float64'> } {
  const n = g.shape[0];
  const G = g.data;
  const diag = new Float64Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = G[i * n + i];
    top = Math.max(top, diag[i]);
  }
  const { order, l } = pivotedFactor(diag, (x, j) => G[x * n + j], tol * top, maxRank);
  return { order, l };
}

// The pivoted Cholesky loop of both factorisations above, on a symmetric positive semi-definite
// matrix given by its diagonal (overwritten with the Schur complements' diagonals) and its
// off-diagonal entries: pivots taken, largest remaining diagonal first, while that diagonal
// exceeds `floor`, at most maxRank of them. Returns the indices taken, in order, L
// (`[rank, rank]`, lower, `H_SS = L L^T`) and the smallest pivot taken.
function pivotedFactor(
  diag: Float64Array,
  entry: (x: number, j: number) => number,
  floor: number,
  maxRank: number,
): { order: number[]; l: Matrix<'float64'>; minPivot: number } {
  const n = diag.length;
  const lc = new Float64Array(Math.min(n, maxRank) * n);
  const used = new Uint8Array(n);
  const order: number[] = [];
  let minPivot = Number.POSITIVE_INFINITY;
  while (order.length < maxRank) {
    let j = -1;
    for (let x = 0; x < n; x++) if (!used[x] && (j < 0 || diag[x] > diag[j])) j = x;
    if (j < 0 || !(diag[j] > floor)) break;
    const s = order.length;
    minPivot = Math.min(minPivot, diag[j]);
    const piv = Math.sqrt(diag[j]);
    used[j] = 1;
    order.push(j);
    lc[s * n + j] = piv;
    for (let x = 0; x < n; x++) {
      if (used[x]) continue;
      let h = entry(x, j);
      for (let t = 0; t < s; t++) h -= lc[t * n + x] * lc[t * n + j];
      const v = h / piv;
      lc[s * n + x] = v;
      diag[x] -= v * v;
    }
  }
  const r = order.length;
  const l = zeros([r, r] as const);
  for (let s = 0; s < r; s++) for (let t = 0; t <= s; t++) l.data[s * r + t] = lc[t * n + order[s]];
  return { order, l, minPivot };
}

// X (`[rank, n]`) with `X src = L^{-1} src_S` for a pivoted factor (S, L) of src's Gram:
// column order[t] of X is column t of L^{-1}, the others are 0.
function selector(sel: { order: number[]; l: Matrix<'float64'> }, n: number): Matrix<'float64'> {
  const r = sel.order.length;
  const linv = invertLower(sel.l);
  const x = zeros([r, n] as const);
  for (let s = 0; s < r; s++)
    for (let t = 0; t <= s; t++) x.data[s * n + sel.order[t]] = linv.data[s * r + t];
  return x;
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

// Scratch matrices ([k, d], float64) of this thread, kept between calls of one size: `a` holds
// A, `work` serves the rank-deficient path (residuals, products) and is made on its first use.
const scratchBuffers: Partial<Record<'a' | 'work', Matrix<'float64'>>> = {};
function scratch(slot: 'a' | 'work', k: number, d: number): Matrix<'float64'> {
  let m = scratchBuffers[slot];
  if (m === undefined || m.shape[0] !== k || m.shape[1] !== d) {
    m = zeros([k, d] as const);
    scratchBuffers[slot] = m;
  }
  return m;
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
