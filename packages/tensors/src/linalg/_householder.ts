// Householder thin QR on a private column-major float64 buffer (Golub & Van Loan, Matrix
// Computations, 4th ed., Alg. 5.2.1, with LAPACK dlarfg's choice of reflector). Used by `qr`,
// `orthonormalizeRows` and `svdThin` (which reduces a tall matrix to its n x n factor R first).

import { norm2 } from './_dense.js';

/** Thin QR factors: `q` column-major m x n (null unless requested), `r` row-major n x n. */
export interface HouseholderQr {
  q: Float64Array | null;
  r: Float64Array;
}

/**
 * Factors the column-major `m x n` buffer `a` (m >= n, overwritten) as `a = Q R`, with the
 * diagonal of R made non-negative so that the factors of a full-rank matrix are unique.
 */
export function householderQr(
  a: Float64Array,
  m: number,
  n: number,
  wantQ: boolean,
): HouseholderQr {
  const tau = new Float64Array(n);
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    const alpha = a[ck + k];
    const sigma = norm2(a, ck + k + 1, m - k - 1);
    if (sigma === 0) {
      // Already zero below the diagonal: H_k = I.
      tau[k] = 0;
      diag[k] = alpha;
    } else {
      const nrm = Math.hypot(alpha, sigma);
      const beta = alpha >= 0 ? -nrm : nrm;
      tau[k] = (beta - alpha) / beta;
      const inv = 1 / (alpha - beta);
      for (let i = k + 1; i < m; i++) a[ck + i] *= inv;
      diag[k] = beta;
    }
    a[ck + k] = 1; // v_k(0) = 1; the rest of v_k sits below the diagonal.
    const t = tau[k];
    if (t !== 0) {
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let w = 0;
        for (let i = k; i < m; i++) w += a[ck + i] * a[cj + i];
        w *= t;
        for (let i = k; i < m; i++) a[cj + i] -= w * a[ck + i];
      }
    }
  }

  const sign = new Float64Array(n);
  for (let k = 0; k < n; k++) sign[k] = diag[k] < 0 ? -1 : 1;
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    r[i * n + i] = sign[i] * diag[i] + 0; // + 0 turns -0 into 0
    for (let j = i + 1; j < n; j++) r[i * n + j] = sign[i] * a[j * m + i] + 0;
  }
  if (!wantQ) return { q: null, r };

  // Q = H_0 H_1 ... H_{n-1} [I_n; 0], applied from the last reflector back: H_k only touches
  // rows k.. and leaves the earlier columns e_j (j < k) alone.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    const ck = k * m;
    for (let j = k; j < n; j++) {
      const cj = j * m;
      let w = 0;
      for (let i = k; i < m; i++) w += a[ck + i] * q[cj + i];
      w *= t;
      for (let i = k; i < m; i++) q[cj + i] -= w * a[ck + i];
    }
  }
  for (let j = 0; j < n; j++) {
    if (sign[j] < 0) for (let i = 0; i < m; i++) q[j * m + i] = 0 - q[j * m + i];
  }
  return { q, r };
}
