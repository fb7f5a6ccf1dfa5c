import {
  assertDType,
  assertKey,
  assertTensor,
  checkInt,
  checkNumber,
  copy,
  type DType,
  type Key,
  type Matrix,
  normal,
  permutation,
  qr,
  transpose,
  zeros,
} from '@mtrl/tensors';
import { checkIndices, checkKind } from './_validate.js';

/** How a ground truth was made: drawn by {@link groundTruth} or given to {@link groundTruthFrom}. */
export type GroundTruthKind = 'random' | 'coordinates' | 'given';

/**
 * The ground-truth projection (docs: Specification, 'Ground truth'): labels of every task
 * depend on x only through `z = M x`.
 */
export interface GroundTruth<D extends DType = DType> {
  /** `m: [r, d]`, contiguous, with orthonormal rows (`M M^T = I_r`). */
  readonly m: Matrix<D>;
  /** Input dimension. */
  readonly d: number;
  /** Subspace dimension, `1 <= r <= d`. */
  readonly r: number;
  readonly kind: GroundTruthKind;
  /** For `kind: 'coordinates'`: row i of M is the standard basis vector `e_{coordinates[i]}`. */
  readonly coordinates?: readonly number[];
}

/** Options for {@link groundTruth}. */
export interface GroundTruthOptions<D extends DType = 'float64'> {
  /** Input dimension d >= 1. */
  d: number;
  /** Subspace dimension, 1 <= r <= d. */
  r: number;
  /**
   * `'random'` (default): Q^T from the thin QR of a Gaussian `[d, r]` matrix (R with a positive
   * diagonal), a uniformly random r-frame. `'coordinates'`: r distinct standard basis vectors.
   */
  kind?: 'random' | 'coordinates';
  /** For `'coordinates'`: the r distinct indices in [0, d); default the first r of a random permutation. */
  coordinates?: readonly number[];
  /** Element type of `m`; default `'float64'`. */
  dtype?: D;
}

/**
 * Draws a ground truth `M: [r, d]` with orthonormal rows.
 *
 * The random kind is computed in float64 (`qr` of `@mtrl/tensors`) and rounded once to `dtype`, so a float32 ground truth
 * equals the float64 one (same key) rounded.
 *
 * @param key - the key (unused when `coordinates` are given)
 * @param opts - `{ d, r, kind?, coordinates?, dtype? }`
 * @returns the ground truth, `m: [r, d]`
 * @throws {RangeError} when d or r is not an integer, r < 1 or r > d, the kind or dtype is
 *   unknown, coordinates come with kind 'random', or coordinates are not r distinct integers
 *   in [0, d)
 * @throws {TypeError} when opts is not an object, or d, r, kind or dtype has the wrong type
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * gt.m.shape; // returns [4, 64]
 * groundTruth(key(0), { d: 8, r: 2, kind: 'coordinates', coordinates: [5, 1] }).coordinates; // returns [5, 1]
 */
export function groundTruth<D extends DType = 'float64'>(
  key: Key,
  opts: GroundTruthOptions<D>,
): GroundTruth<D> {
  const op = 'groundTruth';
  assertKey(op, key);
  if (opts === null || typeof opts !== 'object')
    throw new TypeError(`${op}: opts must be { d, r, ... }`);
  const d = checkInt(op, 'd', opts.d, { min: 1 });
  const r = checkInt(op, 'r', opts.r, { min: 1 });
  if (r > d) throw new RangeError(`${op}: r must be <= d, got r=${r} > d=${d}`);
  const kind = checkKind(op, 'opts', { kind: opts.kind ?? 'random' }, ['random', 'coordinates']);
  const dtype = (opts.dtype ?? 'float64') as D;
  assertDType(op, dtype);
  if (kind === 'coordinates') {
    const coordinates =
      opts.coordinates === undefined
        ? Array.from(permutation(key, d).subarray(0, r))
        : checkIndices(op, 'coordinates', opts.coordinates, d, r);
    const m = zeros([r, d] as const, { dtype });
    for (let i = 0; i < r; i++) m.data[i * d + coordinates[i]] = 1;
    return { m, d, r, kind, coordinates };
  }
  if (opts.coordinates !== undefined) {
    throw new RangeError(`${op}: coordinates are only allowed with kind 'coordinates'`);
  }
  // Householder QR with a non-negative diagonal of R: the unique Q, a Haar-random r-frame.
  const { q } = qr(normal(key, [d, r] as const));
  const m = copy(transpose(q), dtype);
  return { m, d, r, kind };
}

/** Options for {@link groundTruthFrom}. */
export interface GroundTruthFromOptions {
  /** Largest allowed `|M M^T - I|` entry; default 1e-5 for float32 and 1e-9 for float64. */
  tol?: number;
}

/**
 * Wraps a given matrix as a ground truth after checking that its rows are orthonormal. The
 * matrix is copied (contiguous, same dtype), so later changes to it do not leak in.
 *
 * @param m - `[r, d]` with `1 <= r <= d` and `M M^T = I_r` to within `tol`
 * @returns a ground truth with `kind: 'given'`
 * @throws {TypeError} when `m` is not a float matrix
 * @throws {RangeError} when r > d, r = 0, or some entry of `M M^T - I` exceeds `tol`
 * @example
 * groundTruthFrom(fromArray([[0, 1, 0]])).r; // returns 1
 */
export function groundTruthFrom<D extends DType>(
  m: Matrix<D>,
  opts: GroundTruthFromOptions = {},
): GroundTruth<D> {
  const op = 'groundTruthFrom';
  assertTensor(op, 'm', m, 2);
  const [r, d] = m.shape;
  if (r < 1 || r > d)
    throw new RangeError(`${op}: m must be [r, d] with 1 <= r <= d, got [${r}, ${d}]`);
  const tol = checkNumber(op, 'tol', opts.tol ?? (m.dtype === 'float32' ? 1e-5 : 1e-9), { min: 0 });
  const c = copy(m);
  let worst = 0;
  for (let i = 0; i < r; i++) {
    for (let k = 0; k <= i; k++) {
      let p = 0;
      for (let j = 0; j < d; j++) p += c.data[i * d + j] * c.data[k * d + j];
      const err = Math.abs(p - (i === k ? 1 : 0));
      // NaN entries must fail too.
      if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
    }
  }
  if (!(worst <= tol)) {
    throw new RangeError(
      `${op}: rows of m must be orthonormal (M M^T = I), largest deviation ${worst.toExponential(2)} > tol ${tol}`,
    );
  }
  return { m: c, d, r, kind: 'given' };
}
