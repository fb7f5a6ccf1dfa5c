import type { Matrix, Vector } from '../tensor.js';
import { checkNumber, checkSize } from '../validate.js';
import {
  asMatrix,
  asVector,
  checkSquare,
  defaultSymmetryTol,
  norm2,
  readDense,
  signOfLargest,
  symmetrize,
} from './_dense.js';

/** Options for {@link eighSymmetric}. */
export interface EighOptions {
  /**
   * A rotation is skipped when `|a_pq| <= tol * sqrt(|a_pp a_qq|)`; the iteration has converged
   * when a whole sweep skips every pair. Default `1e-15`.
   */
  tol?: number;
  /** Most sweeps over all pairs before giving up. Default 50 (a few to ~10 usually suffice). */
  maxSweeps?: number;
  /**
   * Largest accepted `max |a_ij - a_ji| / max |a_ij|`; the symmetric part `(a + a^T) / 2` is
   * then decomposed. Default `1e-8` for float64 input, `1e-4` for float32.
   */
  symmetryTol?: number;
}

/** The eigendecomposition returned by {@link eighSymmetric}. */
export interface EighResult {
  /** `[n]` eigenvalues, descending. */
  values: Vector<'float64'>;
  /** `[n, n]` orthogonal; column j is the eigenvector of `values[j]`. */
  vectors: Matrix<'float64'>;
}

/**
 * Eigendecomposition `a = V diag(values) V^T` of a symmetric matrix by the cyclic Jacobi method
 * (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 8.5.3), in float64. Eigenvalues are
 * sorted in descending order; each eigenvector is signed so that its largest-magnitude entry is
 * positive. Costs O(n^3) per sweep, so it suits n up to a few hundred.
 *
 * @param a - `[n, n]` symmetric, float32 or float64; not modified
 * @param opts - see {@link EighOptions}
 * @returns `{ values: [n], vectors: [n, n] }`, float64
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} when `a` is not square, not symmetric within `symmetryTol`, has a NaN
 *   or infinite entry, an option is invalid, or Jacobi has not converged after `maxSweeps`
 * @example
 * const { values, vectors } = eighSymmetric(fromArray([[2, 1], [1, 2]]));
 * toArray(values);  // returns [3, 1]
 * toArray(vectors); // returns [[0.7071, 0.7071], [0.7071, -0.7071]] (to 4 digits)
 */
export function eighSymmetric(a: Matrix, opts: EighOptions = {}): EighResult {
  const op = 'eighSymmetric';
  const d = readDense(op, 'a', a, 'row');
  const n = checkSquare(op, 'a', d);
  const tol = opts.tol ?? 1e-15;
  checkNumber(op, 'tol', tol, { min: 0, max: 1, maxExclusive: true });
  const maxSweeps = checkSize(op, 'maxSweeps', opts.maxSweeps ?? 50);
  symmetrize(op, 'a', d.data, n, opts.symmetryTol ?? defaultSymmetryTol(a.dtype));
  const A = d.data;
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  // Entries this small relative to ||a||_F are treated as zero, so rounding noise in a
  // (near-)null block cannot keep the sweeps going.
  const floor = Number.EPSILON * tol * norm2(A, 0, n * n);

  let converged = false;
  for (let sweep = 0; sweep <= maxSweeps && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const mag = Math.abs(apq);
        if (mag <= floor || mag <= tol * Math.sqrt(Math.abs(app) * Math.abs(aqq))) continue;
        if (sweep === maxSweeps) {
          throw new RangeError(
            `${op}: Jacobi did not converge in ${maxSweeps} sweeps (|a[${p}, ${q}]| = ${mag.toExponential(3)}); raise maxSweeps or tol`,
          );
        }
        rotated = true;
        // The rotation [c s; -s c] that zeroes a_pq, with |angle| <= pi/4 (t = tan).
        const theta = (aqq - app) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 0.5 / theta
            : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r !== p && r !== q) {
            const arp = A[r * n + p];
            const arq = A[r * n + q];
            const np = c * arp - s * arq;
            const nq = s * arp + c * arq;
            A[r * n + p] = np;
            A[p * n + r] = np;
            A[r * n + q] = nq;
            A[q * n + r] = nq;
          }
          const vrp = V[r * n + p];
          const vrq = V[r * n + q];
          V[r * n + p] = c * vrp - s * vrq;
          V[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
    converged = !rotated;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => A[j * n + j] - A[i * n + i] || i - j,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const column = new Float64Array(n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src];
    for (let r = 0; r < n; r++) column[r] = V[r * n + src];
    const sign = signOfLargest(column, 0, n);
    for (let r = 0; r < n; r++) vectors[r * n + dst] = sign * column[r] + 0; // + 0 turns -0 into 0
  });
  return { values: asVector(values), vectors: asMatrix(vectors, n, n) };
}
