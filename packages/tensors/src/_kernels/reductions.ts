import type { FloatArray } from '../dtype.js';

// Whole-tensor reductions over a [rows, cols] strided view (element (i, j) at
// x[ox + i * sx0 + j * sx1], cols the inner loop), accumulated in float64 one element at a time.
// The caller passes the loop nest of `loopNest`, which visits elements in ndarray-ops' order,
// and each loop is ndarray-ops' own (`s+=a`, `s+=a*a`, `if(a>h)h=a`), so sums round the same
// way and a tie between 0 and -0 keeps the same one: the results are ndarray-ops' bit for bit.

/** The sum of the elements (0 for none). */
export function sumStrided(
  rows: number,
  cols: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, px += sx1) s += x[px];
  }
  return s;
}

/** The sum of the squared elements (0 for none). */
export function sumSquaresStrided(
  rows: number,
  cols: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, px += sx1) {
      const v = x[px];
      s += v * v;
    }
  }
  return s;
}

/** The largest element, skipping NaN (`-Infinity` for none). */
export function maxStrided(
  rows: number,
  cols: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): number {
  let h = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows; i++) {
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, px += sx1) {
      const v = x[px];
      if (v > h) h = v;
    }
  }
  return h;
}

/** The smallest element, skipping NaN (`Infinity` for none). */
export function minStrided(
  rows: number,
  cols: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): number {
  let h = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rows; i++) {
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, px += sx1) {
      const v = x[px];
      if (v < h) h = v;
    }
  }
  return h;
}
