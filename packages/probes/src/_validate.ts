// Checks specific to the probes (finite features, ±1 labels), built on the shared checks of
// @mtrl/tensors: one error type per mistake, TypeError for a wrong JavaScript type and
// RangeError for a bad value. Every message names the function and the argument.

import { assertTensor, copy, type Matrix, type Vector } from '@mtrl/tensors';

/**
 * A matrix whose entries are all finite, as a contiguous float64 matrix at offset 0: `x` itself
 * when it already is one (callers only read it), else a copy.
 */
export function finiteMatrix(op: string, name: string, x: unknown): Matrix<'float64'> {
  assertTensor(op, name, x, 2);
  const m = x as Matrix;
  const [rows, cols] = m.shape;
  const packed =
    m.dtype === 'float64' && m.offset === 0 && m.stride[1] === 1 && m.stride[0] === cols;
  const out = packed ? (m as Matrix<'float64'>) : copy(m, 'float64');
  const data = out.data;
  for (let k = 0, len = rows * cols; k < len; k++) {
    if (!Number.isFinite(data[k])) {
      const cols = out.shape[1];
      throw new RangeError(
        `${op}: ${name} must have finite entries, got ${String(data[k])} at [${Math.floor(k / cols)}, ${k % cols}]`,
      );
    }
  }
  return out;
}

/**
 * The message refusing a matrix or vector with a NaN or infinite entry, naming the function, the
 * argument and the first bad entry; undefined when every entry is finite. Reads `x` in place
 * (any strides), copies nothing.
 */
export function nonFinite(op: string, name: string, x: Matrix | Vector): string | undefined {
  const { data, offset } = x;
  const bad = (v: number, at: string) =>
    `${op}: ${name} must have finite entries, got ${String(v)} at [${at}]`;
  if (x.shape.length === 1) {
    const [n] = x.shape as readonly [number];
    const [s] = x.stride as readonly [number];
    for (let i = 0; i < n; i++) {
      const v = data[offset + i * s];
      if (!Number.isFinite(v)) return bad(v, `${i}`);
    }
    return undefined;
  }
  const [rows, cols] = x.shape as readonly [number, number];
  const [s0, s1] = x.stride as readonly [number, number];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[offset + i * s0 + j * s1];
      if (!Number.isFinite(v)) return bad(v, `${i}, ${j}`);
    }
  }
  return undefined;
}

/** Refuses a matrix or vector with a NaN or infinite entry (see {@link nonFinite}). */
export function assertFinite(op: string, name: string, x: Matrix | Vector): void {
  const problem = nonFinite(op, name, x);
  if (problem !== undefined) throw new RangeError(problem);
}

/** A float64 copy of a label vector of length n whose entries are all -1 or +1. */
export function labelVector(op: string, name: string, y: unknown, n: number): Float64Array {
  assertTensor(op, name, y, 1);
  const v = y as Vector;
  if (v.shape[0] !== n) {
    throw new RangeError(`${op}: ${name} has shape [${v.shape[0]}], expected [${n}]`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const yi = v.data[v.offset + i * v.stride[0]];
    if (yi !== 1 && yi !== -1) {
      throw new RangeError(`${op}: ${name} must hold labels -1 or +1, got ${String(yi)} at [${i}]`);
    }
    out[i] = yi;
  }
  return out;
}
