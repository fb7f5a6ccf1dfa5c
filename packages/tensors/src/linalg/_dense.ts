// Internal helpers shared by the linear-algebra routines: they read any strided float32/float64
// matrix into a private float64 buffer (row- or column-major), refusing non-finite entries, so
// the algorithms themselves run on plain arrays and never touch the caller's data.

import { fmtShape } from '../_shape.js';
import { assertTensor, fromTypedArray, type Matrix, type Vector } from '../tensor.js';
import { checkNumber } from '../validate.js';

/** A private float64 copy of a matrix: `data[i * rowStride + j * colStride]`. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Checks that `a` is a matrix with finite entries and copies it into a float64 buffer.
 *
 * @param layout - `'row'` for row-major (`data[i * cols + j]`), `'col'` for column-major
 *   (`data[j * rows + i]`)
 * @throws {TypeError} when `a` is not a float32/float64 Matrix
 * @throws {RangeError} naming the first NaN or infinite entry
 */
export function readDense(op: string, name: string, a: unknown, layout: 'row' | 'col'): Dense {
  assertTensor(op, name, a, 2);
  const m = a as Matrix;
  const [rows, cols] = m.shape;
  const [s0, s1] = m.stride;
  const src = m.data;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = src[m.offset + i * s0 + j * s1];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${op}: ${name} must have finite entries, got ${String(v)} at [${i}, ${j}]`,
        );
      }
      data[layout === 'row' ? i * cols + j : j * rows + i] = v;
    }
  }
  return { rows, cols, data };
}

/** Throws unless `d` is square; the message names the operation, argument and shape. */
export function checkSquare(op: string, name: string, d: Dense): number {
  if (d.rows !== d.cols) {
    throw new RangeError(`${op}: ${name} must be square, got shape ${fmtShape([d.rows, d.cols])}`);
  }
  return d.rows;
}

/** Default relative asymmetry accepted for a matrix of the given dtype. */
export function defaultSymmetryTol(dtype: string): number {
  return dtype === 'float32' ? 1e-4 : 1e-8;
}

/**
 * Throws when `max |a_ij - a_ji| > tol * max |a_ij|`, naming the worst pair; otherwise replaces
 * the row-major square `data` by its symmetric part `(a + a^T) / 2`.
 */
export function symmetrize(op: string, name: string, data: Float64Array, n: number, tol: number) {
  checkNumber(op, 'symmetryTol', tol, { min: 0, finite: false });
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(data[k]));
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const diff = Math.abs(data[i * n + j] - data[j * n + i]);
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  }
  if (worst > tol * scale) {
    throw new RangeError(
      `${op}: ${name} must be symmetric, but |a[${wi}, ${wj}] - a[${wj}, ${wi}]| = ${worst.toExponential(3)} exceeds symmetryTol ${tol} times max |a_ij| = ${scale.toExponential(3)}`,
    );
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (data[i * n + j] + data[j * n + i]);
      data[i * n + j] = v;
      data[j * n + i] = v;
    }
  }
}

/** A row-major float64 Matrix over `data` (no copy). */
export function asMatrix(data: Float64Array, rows: number, cols: number): Matrix<'float64'> {
  return fromTypedArray(data, [rows, cols] as const);
}

/** A float64 Vector over `data` (no copy). */
export function asVector(data: Float64Array): Vector<'float64'> {
  return fromTypedArray(data, [data.length] as const);
}

/** Transposes a column-major `rows x cols` buffer into a new row-major one. */
export function colToRow(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const o = j * rows;
    for (let i = 0; i < rows; i++) out[i * cols + j] = data[o + i];
  }
  return out;
}

/** Euclidean norm of `n` entries of `x` starting at `off` with unit stride, without overflow. */
export function norm2(x: Float64Array, off: number, n: number): number {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(x[off + i]));
  if (scale === 0) return 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const t = x[off + i] / scale;
    ss += t * t;
  }
  return scale * Math.sqrt(ss);
}

/** `-1` when the largest-magnitude of `n` unit-stride entries at `off` (first on ties) is negative, else `1`. */
export function signOfLargest(x: Float64Array, off: number, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) if (Math.abs(x[off + i]) > Math.abs(best)) best = x[off + i];
  return best < 0 ? -1 : 1;
}
