import { kernels } from '../backend.js';
import { assertDType, type DType } from '../dtype.js';
import { assertTensor, type CreateOptions, type Shape, type Tensor, zeros } from '../tensor.js';
import { checkFinite, checkSize, rangeError, typeError } from '../validate.js';
import { assertKey, type Key } from './key.js';
import { Stream } from './stream.js';

/**
 * A tensor of i.i.d. standard normal draws.
 *
 * Algorithm: Marsaglia–Tsang (2000) 128-layer ziggurat over four xoshiro128** lanes. Lane i
 * (0..3) is `stream(foldIn(k, i))`, and element e in row-major order is the (e div 4)-th
 * `nextNormal()` of lane e mod 4 (a lane's slow path draws from that lane). Every element is
 * computed in float64 and rounded once to the dtype, so a float32 draw equals `Math.fround` of
 * the float64 draw with the same key. Every backend gives exactly these numbers.
 *
 * @param k - the key; do not reuse it for another draw
 * @param shape - `[n]` or `[rows, cols]`
 * @example
 * const x = normal(key(0), [1024, 256], { dtype: 'float32' });
 */
export function normal<S extends Shape, D extends DType = 'float64'>(
  k: Key,
  shape: S,
  opts: CreateOptions<D> = {},
): Tensor<S, D> {
  assertKey('normal', k);
  const out = zeros(shape, opts);
  kernels().fillNormal(k, 1, out.data.length, out.data, 0, 1, 0);
  return out;
}

/**
 * Fills `out` in place with standard normals (row-major order), as `normal` would: any view
 * (strided, transposed, offset) gets the same numbers as `normal(k, out.shape)`.
 *
 * @example
 * normalInto(key(3), buffer); // buffer is overwritten
 */
export function normalInto(k: Key, out: Tensor): void {
  assertKey('normalInto', k);
  assertTensor('normalInto', 'out', out);
  assertDType('normalInto', out.dtype);
  if (out.shape.length === 1) {
    kernels().fillNormal(k, 1, out.shape[0], out.data, 0, out.stride[0], out.offset);
    return;
  }
  const [rows, cols] = out.shape as readonly [number, number];
  const [s0, s1] = out.stride as readonly [number, number];
  kernels().fillNormal(k, rows, cols, out.data, s0, s1, out.offset);
}

/** Options for {@link uniform}. */
export interface UniformOptions<D extends DType> extends CreateOptions<D> {
  /** Lower bound (inclusive); default 0. */
  low?: number;
  /** Upper bound (exclusive); default 1. */
  high?: number;
}

/**
 * A tensor of i.i.d. uniform draws on [low, high) with 53 random bits each.
 *
 * @throws {RangeError} when `low >= high` or a bound is not finite
 */
export function uniform<S extends Shape, D extends DType = 'float64'>(
  k: Key,
  shape: S,
  opts: UniformOptions<D> = {},
): Tensor<S, D> {
  assertKey('uniform', k);
  const low = checkFinite('uniform', 'low', opts.low ?? 0);
  const high = checkFinite('uniform', 'high', opts.high ?? 1);
  if (!(low < high)) throw new RangeError(`uniform: need low < high, got low=${low}, high=${high}`);
  const out = zeros(shape, opts);
  const s = new Stream(k);
  const d = out.data;
  const w = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + w * s.nextFloat();
  return out;
}

/** A tensor of i.i.d. random signs, each -1 or +1 with probability 1/2. */
export function rademacher<S extends Shape, D extends DType = 'float64'>(
  k: Key,
  shape: S,
  opts: CreateOptions<D> = {},
): Tensor<S, D> {
  assertKey('rademacher', k);
  const out = zeros(shape, opts);
  const s = new Stream(k);
  const d = out.data;
  let bits = 0;
  for (let i = 0; i < d.length; i++) {
    if ((i & 31) === 0) bits = s.nextUint32();
    d[i] = bits & 1 ? 1 : -1;
    bits >>>= 1;
  }
  return out;
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher–Yates).
 *
 * @example
 * permutation(key(0), 4); // e.g. Int32Array [2, 0, 3, 1]
 */
export function permutation(k: Key, n: number): Int32Array {
  assertKey('permutation', k);
  checkSize('permutation', 'n', n);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const s = new Stream(k);
  for (let i = n - 1; i > 0; i--) {
    const j = s.nextInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** `n` i.i.d. integers uniform on [0, high). */
export function randomInts(k: Key, n: number, high: number): Int32Array {
  assertKey('randomInts', k);
  checkSize('randomInts', 'n', n);
  if (typeof high !== 'number') typeError('randomInts', 'high', 'an integer in [1, 2^31]', high);
  if (!(Number.isInteger(high) && high >= 1 && high <= 2 ** 31)) {
    rangeError('randomInts', 'high', 'an integer in [1, 2^31]', high);
  }
  const s = new Stream(k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = s.nextInt(high);
  return out;
}
