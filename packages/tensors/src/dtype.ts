import { checkOneOf } from './validate.js';

/** Floating-point element types supported by every tensor operation. */
export type DType = 'float32' | 'float64';

/** The typed array that stores elements of dtype `D`. */
export type DataFor<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

/** Either typed array a tensor may be stored in. */
export type FloatArray = Float32Array | Float64Array;

/** All dtypes, in a stable order (useful for parametrised tests and benchmarks). */
export const DTYPES: readonly DType[] = ['float32', 'float64'];

/**
 * Checks that `dtype` names a supported element type.
 *
 * @param op - the operation, named in the error
 * @param dtype - the value to check
 * @throws {TypeError} when `dtype` is not a string
 * @throws {RangeError} when it is a string other than `'float32'` or `'float64'`
 */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  checkOneOf(op, 'dtype', dtype, DTYPES);
}

/**
 * Allocates a zero-filled typed array of `n` elements for `dtype`.
 *
 * @example
 * allocate('float32', 3); // returns Float32Array [0, 0, 0]
 */
export function allocate<D extends DType>(dtype: D, n: number): DataFor<D> {
  return (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)) as DataFor<D>;
}

/** The dtype of a typed array, or `undefined` for any other value. */
export function dtypeOf(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return undefined;
}
