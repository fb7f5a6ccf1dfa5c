import {
  assertTensor,
  checkBoolean,
  checkOptions,
  type Matrix,
  matmul,
  normalizeRows,
  singularValues,
} from '@mtrl/tensors';
import { readBasis } from './_subspace.js';
import { assertFinite } from './_validate.js';
import type { SubspaceBasis } from './subspaceBasis.js';

/** Options for {@link coverage}. */
export interface CoverageOptions {
  /**
   * Rescale every row of W to unit norm first, so each neuron counts once whatever its norm;
   * default false (the singular values of W M^T as given; docs: Specification, 'Coverage').
   */
  normalizeRows?: boolean;
}

/** How evenly the rows of W cover the r directions of the subspace. */
export interface Coverage {
  /** `s_1 >= ... >= s_r >= 0`, the singular values of `W M^T` (`[m, r]`); zeros pad m < r. */
  readonly singularValues: readonly number[];
  /** `s_r / s_1` in [0, 1]: near 1 when all r directions are covered, near 0 when one is missed. 0 when W M^T = 0. */
  readonly ratio: number;
  /**
   * The effective rank `exp(-sum_i p_i log p_i)` with `p_i = s_i^2 / sum_k s_k^2` (the
   * exponential of the Shannon entropy of the normalised squared singular values; Roy &
   * Vetterli, 2007, use `s_i` in place of `s_i^2`): r when all r singular values are equal,
   * 1 when a single direction carries everything, 0 when W M^T = 0.
   */
  readonly effectiveRank: number;
}

/**
 * The coverage probe (docs: Specification, 'Coverage'): the singular values of `W M^T` (`[m, r]`),
 * their ratio `s_r / s_1` and the effective rank. Multi-task pretraining drives the ratio towards
 * 1; single-task pretraining learns about one direction, so its ratio stays near 0.
 * @param w - first-layer weights `[m, d]`, float32 or float64
 * @param subspace - `M: [r, d]` with orthonormal rows, or a `GroundTruth` `{ m }`
 * @param opts - `{ normalizeRows? }`
 * @returns `{ singularValues: [r], ratio, effectiveRank }`
 * @throws {TypeError} when w is not a Matrix, subspace is neither a Matrix nor `{ m }`, or an
 *   option has the wrong type
 * @throws {RangeError} when M is not `[r, d]` with orthonormal rows, or w has a NaN or
 *   infinite entry
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * coverage(gt.m, gt); // returns { singularValues: [1, 1, 1, 1], ratio: 1, effectiveRank: 4 } (to rounding)
 */
export function coverage(w: Matrix, subspace: SubspaceBasis, opts?: CoverageOptions): Coverage {
  const op = 'coverage';
  assertTensor(op, 'w', w, 2);
  assertFinite(op, 'w', w);
  const o = checkOptions(op, opts);
  const unit = checkBoolean(op, 'opts.normalizeRows', o.normalizeRows ?? false);
  const m = readBasis(op, subspace, w.shape[1], w.dtype);
  const r = m.shape[0];
  const p = matmul(unit ? normalizeRows(w) : w, m, { transB: true });
  const s = Array.from(singularValues(p).data);
  while (s.length < r) s.push(0);
  const s1 = s[0];
  if (!(s1 > 0)) return { singularValues: s, ratio: 0, effectiveRank: 0 };
  let total = 0;
  for (const v of s) total += v * v;
  let entropy = 0;
  for (const v of s) {
    const q = (v * v) / total;
    if (q > 0) entropy -= q * Math.log(q);
  }
  return { singularValues: s, ratio: s[r - 1] / s1, effectiveRank: Math.exp(entropy) };
}
