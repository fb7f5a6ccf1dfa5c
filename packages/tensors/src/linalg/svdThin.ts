import type { Matrix, Vector } from '../tensor.js';
import { checkNumber, checkSize } from '../validate.js';
import { asMatrix, asVector, type Dense, norm2, readDense, signOfLargest } from './_dense.js';
import { completeOrthonormal, hestenes, type JacobiControl, NEGLIGIBLE } from './_hestenes.js';
import { householderQr } from './_householder.js';

/** Options for {@link svdThin} and {@link singularValues}. */
export interface SvdOptions {
  /**
   * Two columns count as orthogonal when `|<b_p, b_q>| <= tol * ||b_p|| ||b_q||`; the iteration
   * has converged when a whole sweep finds every pair orthogonal. Default `k * 2^-52` with
   * `k = min(m, n)` (at least `2^-52`).
   */
  tol?: number;
  /** Most sweeps over all column pairs before giving up. Default 50. */
  maxSweeps?: number;
}

/** The thin SVD returned by {@link svdThin}. */
export interface SvdResult {
  /** `[m, k]`, orthonormal columns (left singular vectors). */
  u: Matrix<'float64'>;
  /** `[k]`, singular values, descending and non-negative. */
  s: Vector<'float64'>;
  /** `[n, k]`, orthonormal columns (right singular vectors). */
  v: Matrix<'float64'>;
}

/**
 * Thin singular value decomposition `a = u diag(s) v^T` with `k = min(m, n)`, in float64.
 * A tall `a` is first reduced to its `k x k` triangular factor by Householder QR, whose
 * columns are then orthogonalised by one-sided (Hestenes) Jacobi; a wide `a` is handled through
 * its transpose. Each column of `v` is signed so that its largest-magnitude entry is positive.
 * For a rank-deficient `a`, singular vectors of exactly-zero singular values are completed so
 * that `u` and `v` keep orthonormal columns; singular values below `1e-140` times the largest
 * entry of `a` count as exactly zero.
 *
 * @param a - `[m, n]`, float32 or float64, any strides; not modified
 * @param opts - see {@link SvdOptions}
 * @returns `{ u: [m, k], s: [k], v: [n, k] }`, float64
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when an entry of `a` is NaN or infinite, an option is invalid, or
 *   Jacobi has not converged after `maxSweeps`
 * @example
 * const { u, s, v } = svdThin(fromArray([[3, 0], [0, -4], [0, 0]]));
 * toArray(s); // returns [4, 3]
 * toArray(u); // returns [[0, 1], [-1, 0], [0, 0]]
 * toArray(v); // returns [[0, 1], [1, 0]]
 */
export function svdThin(a: Matrix, opts: SvdOptions = {}): SvdResult {
  const op = 'svdThin';
  const { tall, wide: k, transposed, scale } = readOriented(op, a);
  const ctl = control(op, k, opts);
  const { q, r } = householderQr(tall.data, tall.rows, k, true);
  // r is row-major, i.e. column-major R^T. Jacobi on B = R^T (rows of R as columns) converges
  // faster (Drmač & Veselić 2008, as in LAPACK dgejsv). B W = U_b S gives R = W S U_b^T, hence
  // a_tall = Q R = (Q W) S U_b^T: left vectors Q W, right vectors U_b.
  const b = r;
  const w = new Float64Array(k * k);
  for (let i = 0; i < k; i++) w[i * k + i] = 1;
  hestenes(b, k, w, ctl);

  const s = new Float64Array(k);
  const nullCols: number[] = [];
  for (let j = 0; j < k; j++) {
    s[j] = norm2(b, j * k, k);
    if (s[j] < NEGLIGIBLE) {
      s[j] = 0;
      nullCols.push(j);
    } else {
      for (let i = 0; i < k; i++) b[j * k + i] /= s[j];
    }
  }
  completeOrthonormal(b, k, nullCols);

  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => s[j] - s[i] || i - j);
  const m = tall.rows;
  // left: Q W, [m, k]; right: U_b, [k, k]; both column-major, columns taken in sorted order.
  const left = new Float64Array(m * k);
  const right = new Float64Array(k * k);
  const sorted = new Float64Array(k);
  const qd = q as Float64Array;
  order.forEach((src, dst) => {
    sorted[dst] = s[src] * scale;
    right.set(b.subarray(src * k, src * k + k), dst * k);
    const col = left.subarray(dst * m, dst * m + m);
    for (let l = 0; l < k; l++) {
      const wl = w[src * k + l];
      if (wl === 0) continue;
      for (let i = 0; i < m; i++) col[i] += qd[l * m + i] * wl;
    }
  });

  // u is the tall side's left vectors unless a was wide (then roles swap).
  const [uCol, uRows, vCol, vRows] = transposed ? [right, k, left, m] : [left, m, right, k];
  const u = new Float64Array(uRows * k);
  const v = new Float64Array(vRows * k);
  for (let j = 0; j < k; j++) {
    const sign = signOfLargest(vCol, j * vRows, vRows);
    for (let i = 0; i < uRows; i++) u[i * k + j] = sign * uCol[j * uRows + i] + 0; // + 0 turns -0 into 0
    for (let i = 0; i < vRows; i++) v[i * k + j] = sign * vCol[j * vRows + i] + 0;
  }
  return { u: asMatrix(u, uRows, k), s: asVector(sorted), v: asMatrix(v, vRows, k) };
}

/**
 * The singular values of `a`, descending, as computed by {@link svdThin} without forming the
 * singular vectors.
 *
 * @param a - `[m, n]`, float32 or float64; not modified
 * @param opts - see {@link SvdOptions}
 * @returns `[min(m, n)]` float64, descending and non-negative
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when an entry of `a` is NaN or infinite, an option is invalid, or
 *   Jacobi has not converged after `maxSweeps`
 * @example
 * toArray(singularValues(fromArray([[1, 1], [1, 1]]))); // returns [2, 0]
 */
export function singularValues(a: Matrix, opts: SvdOptions = {}): Vector<'float64'> {
  const op = 'singularValues';
  const { tall, wide: k, scale } = readOriented(op, a);
  const ctl = control(op, k, opts);
  const { r } = householderQr(tall.data, tall.rows, k, false);
  hestenes(r, k, null, ctl);
  const s = Array.from({ length: k }, (_, j) => {
    const sj = norm2(r, j * k, k);
    return sj < NEGLIGIBLE ? 0 : sj * scale;
  });
  return asVector(Float64Array.from(s.sort((x, y) => y - x)));
}

interface Oriented {
  /** Column-major, at least as many rows as columns, scaled so its largest entry is in [1, 2). */
  tall: Dense;
  /** Number of columns of `tall`, i.e. `min(m, n)`. */
  wide: number;
  /** True when `tall` holds `a^T`. */
  transposed: boolean;
  /** The power of two that `tall` was divided by. */
  scale: number;
}

/** Reads `a` column-major, transposing a wide matrix so the buffer is always tall. */
function readOriented(op: string, a: Matrix): Oriented {
  // A row-major [m, n] buffer is the column-major buffer of a^T ([n, m]).
  const transposed = a?.shape?.[0] < a?.shape?.[1];
  const d = readDense(op, 'a', a, transposed ? 'row' : 'col');
  const tall: Dense = transposed ? { rows: d.cols, cols: d.rows, data: d.data } : d;
  // Scaling by a power of two is exact and keeps Householder and Jacobi clear of overflow and
  // underflow whatever the magnitude of a; singular values below NEGLIGIBLE times the largest
  // entry are then reported as 0.
  let big = 0;
  for (const x of d.data) big = Math.max(big, Math.abs(x));
  const scale = big === 0 ? 1 : 2 ** Math.floor(Math.log2(big));
  if (scale !== 1) for (let i = 0; i < d.data.length; i++) d.data[i] /= scale;
  return { tall, wide: tall.cols, transposed, scale };
}

function control(op: string, k: number, opts: SvdOptions): JacobiControl {
  const tol = opts.tol ?? Math.max(1, k) * Number.EPSILON;
  checkNumber(op, 'tol', tol, { minExclusive: 0, max: 1, maxExclusive: true });
  const maxSweeps = checkSize(op, 'maxSweeps', opts.maxSweeps ?? 50);
  return { tol, maxSweeps, op };
}
