import {
  assertTensor,
  frobeniusNorm,
  type Matrix,
  matmul,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { readBasis } from './_subspace.js';
import { assertFinite } from './_validate.js';
import type { SubspaceBasis } from './subspaceBasis.js';

/**
 * The subspace energy `E(W) = ||W M^T||_F^2 / ||W||_F^2` (docs: Specification, 'Subspace
 * energy'): the fraction of the
 * squared norm of the rows of W that lies in span(M^T). It is 1 when every row lies in the
 * subspace, 0 when every row is orthogonal to it, and about r/d for a random W (each
 * Gaussian row puts an r/d share of its expected energy in any fixed r-dimensional subspace).
 * @param w - first-layer weights `[m, d]`, float32 or float64
 * @param subspace - `M: [r, d]` with orthonormal rows, or a `GroundTruth` `{ m }`
 * @returns E(W) in [0, 1]; NaN when W is all zero (the ratio is undefined)
 * @throws {TypeError} when w is not a Matrix or subspace is neither a Matrix nor `{ m }`
 * @throws {RangeError} when M is not `[r, d]` with 1 <= r <= d or its rows are not orthonormal,
 *   or w or M has a NaN or infinite entry
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * subspaceEnergy(initLayer(key(1), { d: 64, m: 256 }).w, gt); // returns about 0.0625 (r / d)
 * subspaceEnergy(gt.m, gt); // returns 1
 */
export function subspaceEnergy(w: Matrix, subspace: SubspaceBasis): number {
  const op = 'subspaceEnergy';
  assertTensor(op, 'w', w, 2);
  assertFinite(op, 'w', w);
  const m = readBasis(op, subspace, w.shape[1], w.dtype);
  const total = frobeniusNorm(w);
  if (total === 0) return Number.NaN;
  const inside = frobeniusNorm(matmul(w, m, { transB: true }));
  // Rounding can push the ratio a hair above 1 for rows exactly in the subspace.
  return Math.min(1, (inside / total) ** 2);
}

/**
 * The subspace energy of each row, `||M w_j||^2 / ||w_j||^2`: which neurons have found the
 * subspace.
 * @param w - first-layer weights `[m, d]`, float32 or float64
 * @param subspace - `M: [r, d]` with orthonormal rows, or a `GroundTruth` `{ m }`
 * @returns `[m]` float64, each in [0, 1]; NaN for a zero row
 * @throws {TypeError} when w is not a Matrix or subspace is neither a Matrix nor `{ m }`
 * @throws {RangeError} when M is not `[r, d]` with 1 <= r <= d or its rows are not orthonormal,
 *   or w or M has a NaN or infinite entry
 * @example
 * const gt = groundTruth(key(0), { d: 3, r: 1, kind: 'coordinates', coordinates: [0] });
 * toArray(rowEnergy(fromArray([[1, 0, 0], [1, 1, 0], [0, 0, 2]]), gt)); // returns [1, 0.5, 0]
 */
export function rowEnergy(w: Matrix, subspace: SubspaceBasis): Vector<'float64'> {
  const op = 'rowEnergy';
  assertTensor(op, 'w', w, 2);
  assertFinite(op, 'w', w);
  const m = readBasis(op, subspace, w.shape[1], w.dtype);
  const inside = rowSquares(matmul(w, m, { transB: true }));
  const total = rowSquares(w);
  const out = zeros([w.shape[0]] as const, { dtype: 'float64' });
  for (let j = 0; j < out.shape[0]; j++) {
    out.data[j] = total[j] === 0 ? Number.NaN : Math.min(1, inside[j] / total[j]);
  }
  return out;
}

// Squared row norms, summed directly (no square root to undo).
function rowSquares(x: Matrix): Float64Array {
  const [rows, cols] = x.shape;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let acc = 0;
    for (let j = 0; j < cols; j++) {
      const v = x.data[x.offset + i * x.stride[0] + j * x.stride[1]];
      acc += v * v;
    }
    out[i] = acc;
  }
  return out;
}
