import {
  assertDType,
  assertKey,
  assertShape,
  checkInt,
  copy,
  copyInto,
  type DType,
  isContiguous,
  type Key,
  type Matrix,
  normal,
  normalInto,
  rademacher,
  randomInts,
  split,
} from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import type { GroundTruth } from './groundTruth.js';
import { checkInputDistribution, type InputDistribution } from './inputDistribution.js';

/** Options for {@link sampleInputs} and `sampleTask`. */
export interface SampleOptions<D extends DType = 'float64'> {
  /** Element type of the samples; default `'float64'`. */
  dtype?: D;
}

/**
 * Draws n i.i.d. inputs x in R^d from `dist` (docs: Specification, 'Input distributions').
 *
 * Every value is computed in float64 and rounded once to `dtype`, so float32 samples equal the
 * float64 samples of the same key rounded. The same key gives the same samples bit for bit.
 *
 * - `gaussian`: `normal(key, [n, d])`.
 * - `sphere`: Gaussian rows rescaled to norm `sqrt(d)`.
 * - `hypercube`: `rademacher(key, [n, d])`.
 * - `mixture`: with `[kc, kxi] = split(key)`, centre indices `randomInts(kc, n, K)` and
 *   `x_i = M^T mu_{c_i} + noiseStd * normal(kxi, [n, d])_i`.
 *
 * @param key - the key; do not reuse it for another draw
 * @param dist - the input distribution
 * @param gt - the ground truth (d, and M for the mixture)
 * @param n - number of samples, n >= 0
 * @param opts - `{ dtype? }`
 * @returns `x: [n, d]`
 * @throws {RangeError} when n is not a non-negative integer, the kind or dtype is unknown, or the
 *   mixture's centres do not have length r
 * @throws {TypeError} when dist is not an object { kind }
 * @example
 * const gt = groundTruth(key(0), { d: 16, r: 2 });
 * sampleInputs(key(1), { kind: 'sphere' }, gt, 100).shape; // returns [100, 16]
 */
export function sampleInputs<D extends DType = 'float64'>(
  key: Key,
  dist: InputDistribution,
  gt: GroundTruth,
  n: number,
  opts: SampleOptions<D> = {},
): Matrix<D> {
  const op = 'sampleInputs';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  const dd = checkInputDistribution(op, dist, gt.r);
  checkInt(op, 'n', n, { min: 0 });
  const dtype = (opts.dtype ?? 'float64') as D;
  assertDType(op, dtype);
  const x = drawFloat64(key, dd, gt, n);
  return (dtype === 'float64' ? x : copy(x, dtype)) as Matrix<D>;
}

/**
 * {@link sampleInputs} into a preallocated `x: [n, d]` (any dtype): the same values bit for bit,
 * without allocating an `[n, d]` temporary for Gaussian inputs in any dtype, nor for sphere and
 * mixture inputs in a contiguous float64 `x` (other cases draw in float64 and copy).
 *
 * @param x - `[n, d]`, overwritten
 * @throws {RangeError} when x does not have d columns
 * @example
 * const x = zeros([256, gt.d] as const, { dtype: 'float32' });
 * sampleInputsInto(key(1), { kind: 'gaussian' }, gt, x); // x equals sampleInputs(key(1), ..., 256, { dtype: 'float32' })
 */
export function sampleInputsInto(
  key: Key,
  dist: InputDistribution,
  gt: GroundTruth,
  x: Matrix,
): void {
  const op = 'sampleInputsInto';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  const dd = checkInputDistribution(op, dist, gt.r);
  assertShape(op, 'x', x, [-1, gt.d]);
  const n = x.shape[0];
  if (dd.kind === 'gaussian') {
    // normal's contract: a float32 draw is the float64 draw of the same key rounded once.
    normalInto(key, x);
    return;
  }
  if (x.dtype === 'float64' && isContiguous(x) && dd.kind !== 'hypercube') {
    drawFloat64(key, dd, gt, n, x as Matrix<'float64'>);
    return;
  }
  copyInto(x, drawFloat64(key, dd, gt, n));
}

// The float64 draw; sphere and mixture inputs are transformed in place in `into` when given
// (contiguous, [n, d]).
function drawFloat64(
  key: Key,
  dist: InputDistribution,
  gt: GroundTruth,
  n: number,
  into?: Matrix<'float64'>,
): Matrix<'float64'> {
  const d = gt.d;
  const gaussian = (k: Key): Matrix<'float64'> => {
    if (into === undefined) return normal(k, [n, d] as const);
    normalInto(k, into);
    return into;
  };
  switch (dist.kind) {
    case 'gaussian':
      return gaussian(key);
    case 'hypercube':
      return rademacher(key, [n, d] as const);
    case 'sphere': {
      const x = gaussian(key);
      const radius = Math.sqrt(d);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x.data[x.offset + i * d + j] ** 2;
        // A zero Gaussian row has probability 0; the guard only keeps NaN out.
        const f = s > 0 ? radius / Math.sqrt(s) : 0;
        for (let j = 0; j < d; j++) x.data[x.offset + i * d + j] *= f;
      }
      return x;
    }
    case 'mixture': {
      const [kc, kxi] = split(key, 2);
      const k = dist.centres.length;
      const r = gt.r;
      const labels = randomInts(kc, n, k);
      const x = gaussian(kxi);
      // Centres lifted to R^d once: lifted[c] = M^T mu_c, accumulated in float64.
      const m = gt.m;
      const lifted = new Float64Array(k * d);
      for (let c = 0; c < k; c++) {
        for (let a = 0; a < r; a++) {
          const mu = dist.centres[c][a];
          const base = m.offset + a * m.stride[0];
          for (let j = 0; j < d; j++) lifted[c * d + j] += mu * m.data[base + j * m.stride[1]];
        }
      }
      const s = dist.noiseStd;
      for (let i = 0; i < n; i++) {
        const c = labels[i];
        for (let j = 0; j < d; j++)
          x.data[x.offset + i * d + j] = lifted[c * d + j] + s * x.data[x.offset + i * d + j];
      }
      return x;
    }
  }
}
