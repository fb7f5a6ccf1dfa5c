// Thin QR by modified Gram–Schmidt with one re-orthogonalisation pass ("twice is enough",
// Giraud et al. 2005), enough for the small r of a ground truth. Used until @mtrl/tensors
// exports a Householder `qr`; both give the unique Q whose R has a positive diagonal.

/**
 * Orthonormalises the columns of `a` (row-major `[rows, cols]`, rows >= cols) in place, so that
 * `a = Q` of the thin QR with a positive diagonal of R.
 *
 * @throws {RangeError} when the columns are (numerically) linearly dependent
 */
export function orthonormalizeColumns(a: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    const before = columnNorm(a, rows, cols, j);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let p = 0;
        for (let i = 0; i < rows; i++) p += a[i * cols + k] * a[i * cols + j];
        for (let i = 0; i < rows; i++) a[i * cols + j] -= p * a[i * cols + k];
      }
    }
    const norm = columnNorm(a, rows, cols, j);
    if (!(norm > 1e-12 * before) || norm === 0) {
      throw new RangeError(
        `orthonormalizeColumns: column ${j} is linearly dependent on the previous ones`,
      );
    }
    for (let i = 0; i < rows; i++) a[i * cols + j] /= norm;
  }
}

function columnNorm(a: Float64Array, rows: number, cols: number, j: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) s += a[i * cols + j] * a[i * cols + j];
  return Math.sqrt(s);
}
