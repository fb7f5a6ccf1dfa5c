// Typed wrappers for the float64 buffers the solvers work on (TypeScript cannot infer the dtype
// parameter of fromTypedArray from a Float64Array).

import { fromTypedArray, type Matrix, type Vector } from '@mtrl/tensors';

/** A row-major `[rows, cols]` float64 matrix over `data` (no copy). @internal */
export function f64Matrix(data: Float64Array, rows: number, cols: number): Matrix<'float64'> {
  return fromTypedArray<readonly [number, number], 'float64'>(data, [rows, cols]);
}

/** A float64 vector over `data` (no copy). @internal */
export function f64Vector(data: Float64Array): Vector<'float64'> {
  return fromTypedArray<readonly [number], 'float64'>(data, [data.length]);
}
