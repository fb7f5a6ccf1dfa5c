import type { FloatArray } from '../dtype.js';

// Elementwise loops over a [rows, cols] strided view, stdlib style: the output first, then each
// operand as (array, stride0, stride1, offset); element (i, j) of x is x[ox + i * sx0 + j * sx1].
// cols is the inner loop, and a contiguous operand set runs as rows = 1, cols = n, stride 1
// (see `loopNest`). No validation, no allocation, and no code generation: these loops are the
// path everywhere ndarray-ops cannot load (`elementwisePath()`), and each computes exactly
// ndarray-ops' expression (`a=b+c`, `a=b*s`, `a=Math.max(b,s)`, `a=b>s`), so the two paths give
// the same bits. An output may be the same view as an operand (in place), not a shifted overlap.

/** `out = a + b`. */
export function addStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let pa = oa + i * sa0;
    let pb = ob + i * sb0;
    for (let j = 0; j < cols; j++, po += so1, pa += sa1, pb += sb1) out[po] = a[pa] + b[pb];
  }
}

/** `out = a - b`. */
export function subStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let pa = oa + i * sa0;
    let pb = ob + i * sb0;
    for (let j = 0; j < cols; j++, po += so1, pa += sa1, pb += sb1) out[po] = a[pa] - b[pb];
  }
}

/** `out = a * b` (Hadamard product). */
export function mulStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let pa = oa + i * sa0;
    let pb = ob + i * sb0;
    for (let j = 0; j < cols; j++, po += so1, pa += sa1, pb += sb1) out[po] = a[pa] * b[pb];
  }
}

/** `y = y + alpha * x` (BLAS axpy, fused: no rounding of `alpha * x` to the dtype). */
export function axpyStrided(
  rows: number,
  cols: number,
  y: FloatArray,
  sy0: number,
  sy1: number,
  oy: number,
  alpha: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): void {
  for (let i = 0; i < rows; i++) {
    let py = oy + i * sy0;
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, py += sy1, px += sx1) y[py] += alpha * x[px];
  }
}

/** `out = x * s` (`out` may be `x`: scaling in place). */
export function scaleStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
  s: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, po += so1, px += sx1) out[po] = x[px] * s;
  }
}

/** `out = x + s`. */
export function addScalarStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
  s: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, po += so1, px += sx1) out[po] = x[px] + s;
  }
}

/** `out = max(x, 0)` with `Math.max` semantics (NaN stays NaN, -0 becomes 0); may be in place. */
export function reluStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, po += so1, px += sx1) {
      const v = x[px];
      // Math.max(v, 0) to the bit: -0 gives 0, and NaN gives V8's own NaN (not v's bits), so
      // NaN alone takes the call. Math.max on every element ran ~7x slower on float32 (Node 20).
      out[po] = v > 0 ? v : v <= 0 ? 0 : Math.max(v, 0);
    }
  }
}

/** `out = x > 0 ? 1 : 0` (the ReLU derivative mask; NaN gives 0). */
export function stepStrided(
  rows: number,
  cols: number,
  out: FloatArray,
  so0: number,
  so1: number,
  oo: number,
  x: FloatArray,
  sx0: number,
  sx1: number,
  ox: number,
): void {
  for (let i = 0; i < rows; i++) {
    let po = oo + i * so0;
    let px = ox + i * sx0;
    for (let j = 0; j < cols; j++, po += so1, px += sx1) out[po] = x[px] > 0 ? 1 : 0;
  }
}
