// One-sided (Hestenes) Jacobi on a private square column-major float64 buffer: plane rotations
// applied from the right make the columns mutually orthogonal, B W = U diag(s) (Demmel &
// Veselić, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13, 1992).

import { norm2 } from './_dense.js';

/**
 * Column norms below this count as zero. Callers scale the input so that its largest entry is
 * about 1, which keeps every product of two column entries far from underflow.
 */
export const NEGLIGIBLE = 1e-140;

/** Options shared by `svdThin` and `singularValues`. */
export interface JacobiControl {
  tol: number;
  maxSweeps: number;
  op: string;
}

/**
 * Orthogonalises the columns of the column-major `n x n` buffer `b` in place; when `w` is given
 * (column-major `n x n`, initially the identity) it accumulates the rotations, so that on
 * return `b_in w = b_out`. Pairs involving a column of norm below {@link NEGLIGIBLE} are
 * skipped. Throws a RangeError naming `ctl.op` if not converged.
 */
export function hestenes(b: Float64Array, n: number, w: Float64Array | null, ctl: JacobiControl) {
  const { tol, maxSweeps, op } = ctl;
  let converged = false;
  for (let sweep = 0; sweep <= maxSweeps && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const cp = p * n;
      for (let q = p + 1; q < n; q++) {
        const cq = q * n;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < n; i++) {
          const x = b[cp + i];
          const y = b[cq + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        const mag = Math.abs(gamma);
        // The test is relative, so columns that are tiny but not negligible are still
        // orthogonalised among themselves and normalise to orthonormal vectors.
        if (alpha < NEGLIGIBLE * NEGLIGIBLE || beta < NEGLIGIBLE * NEGLIGIBLE) continue;
        if (mag <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        if (sweep === maxSweeps) {
          throw new RangeError(
            `${op}: one-sided Jacobi did not converge in ${maxSweeps} sweeps (columns ${p} and ${q} have cosine ${(gamma / Math.sqrt(alpha * beta)).toExponential(3)}); raise maxSweeps or tol`,
          );
        }
        rotated = true;
        // Same rotation as the two-sided method applied to the 2x2 Gram block [alpha gamma; gamma beta].
        const zeta = (beta - alpha) / (2 * gamma);
        const t =
          Math.abs(zeta) > 1e150
            ? 0.5 / zeta
            : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        rotate(b, cp, cq, n, c, s);
        if (w !== null) rotate(w, cp, cq, n, c, s);
      }
    }
    converged = !rotated;
  }
}

function rotate(x: Float64Array, cp: number, cq: number, n: number, c: number, s: number) {
  for (let i = 0; i < n; i++) {
    const xp = x[cp + i];
    const xq = x[cq + i];
    x[cp + i] = c * xp - s * xq;
    x[cq + i] = s * xp + c * xq;
  }
}

/**
 * Replaces each column j of the column-major `n x n` buffer `u` listed in `nullCols` by a unit
 * vector orthogonal to every other column (the unit columns and those completed before it),
 * choosing among the standard basis vectors the one with the largest residual and applying
 * Gram–Schmidt twice.
 */
export function completeOrthonormal(u: Float64Array, n: number, nullCols: readonly number[]) {
  const isNull = new Uint8Array(n);
  for (const j of nullCols) isNull[j] = 1;
  const cand = new Float64Array(n);
  const best = new Float64Array(n);
  for (const j of nullCols) {
    let bestNorm = -1;
    for (let e = 0; e < n; e++) {
      cand.fill(0);
      cand[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < n; k++) {
          if (isNull[k]) continue;
          let dot = 0;
          for (let i = 0; i < n; i++) dot += u[k * n + i] * cand[i];
          for (let i = 0; i < n; i++) cand[i] -= dot * u[k * n + i];
        }
      }
      const nrm = norm2(cand, 0, n);
      if (nrm > bestNorm) {
        bestNorm = nrm;
        best.set(cand);
      }
    }
    for (let i = 0; i < n; i++) u[j * n + i] = best[i] / bestNorm;
    isNull[j] = 0;
  }
}
