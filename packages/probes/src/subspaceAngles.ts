import { assertTensor, type Matrix, sliceCols, svdThin, transpose } from '@mtrl/tensors';
import { readBasis } from './_subspace.js';
import { assertFinite } from './_validate.js';
import { anglesBetweenBases, orthonormalBasis } from './principalAngles.js';
import type { SubspaceBasis } from './subspaceBasis.js';

/**
 * The principal angles between the ground-truth subspace span(M^T) and the top-r right singular
 * subspace of W (the r input directions W responds to most; docs: Specification, 'Principal
 * angles'). All r angles near 0 mean the rows of W span the subspace; an angle near pi/2 means a
 * direction of it is missed. Costs one thin SVD of W (about half a second for a 256 x 256 W).
 * @param w - first-layer weights `[m, d]` with m >= r, float32 or float64
 * @param subspace - `M: [r, d]` with orthonormal rows, or a `GroundTruth` `{ m }`
 * @returns r angles in radians, ascending, in [0, pi/2]
 * @throws {TypeError} when w is not a Matrix or subspace is neither a Matrix nor `{ m }`
 * @throws {RangeError} when M is not `[r, d]` with orthonormal rows, m < r, W has rank < r
 *   (its top-r right singular subspace is then not defined), or w has a NaN or infinite entry
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * subspaceAngles(gt.m, gt); // returns [0, 0, 0, 0] (to rounding)
 */
export function subspaceAngles(w: Matrix, subspace: SubspaceBasis): number[] {
  const op = 'subspaceAngles';
  assertTensor(op, 'w', w, 2);
  assertFinite(op, 'w', w);
  const [m, d] = w.shape;
  const basis = readBasis(op, subspace, d, 'float64');
  const r = basis.shape[0];
  if (m < r) {
    throw new RangeError(
      `${op}: w has ${m} rows, fewer than r = ${r}: it cannot span the subspace`,
    );
  }
  const { s, v } = svdThin(w);
  if (!(s.data[r - 1] > 0)) {
    throw new RangeError(
      `${op}: w has rank < r = ${r} (singular value ${r} is 0), so its top-${r} right singular subspace is not defined`,
    );
  }
  const top = sliceCols(v, 0, r); // orthonormal columns, [d, r]
  const target = orthonormalBasis(op, 'subspace', transpose(basis)); // [d, r]
  return anglesBetweenBases(target, top);
}
