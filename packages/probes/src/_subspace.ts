import { assertTensor, copy, type DType, type Matrix } from '@mtrl/tensors';
import { assertFinite } from './_validate.js';

/**
 * Reads the basis `[r, d]` of a subspace, checks that its rows are orthonormal and returns it
 * in `dtype` (copied only when the dtype differs). @internal
 */
export function readBasis(
  op: string,
  subspace: unknown,
  d: number,
  dtype: DType,
  name = 'subspace',
): Matrix {
  const s = subspace as { m?: unknown; shape?: unknown } | null;
  const isMatrix = s !== null && typeof s === 'object' && Array.isArray(s.shape);
  const m = (isMatrix ? s : s?.m) as Matrix;
  const label = isMatrix ? name : `${name}.m`;
  if (!isMatrix && (s === null || typeof s !== 'object' || s.m === undefined)) {
    throw new TypeError(
      `${op}: ${name} must be a Matrix [r, d] with orthonormal rows or a GroundTruth { m }`,
    );
  }
  assertTensor(op, label, m, 2);
  assertFinite(op, label, m);
  const [r, dm] = m.shape;
  if (dm !== d || r < 1 || r > d) {
    throw new RangeError(
      `${op}: ${label} has shape [${r}, ${dm}], expected [r, ${d}] with 1 <= r <= ${d} to match w`,
    );
  }
  // Orthonormal rows make ||W M^T||_F the norm of W's projection; check M M^T = I (r^2 d work).
  const tol = m.dtype === 'float32' ? 1e-4 : 1e-8;
  let worst = 0;
  for (let i = 0; i < r; i++) {
    for (let k = 0; k <= i; k++) {
      let p = 0;
      for (let j = 0; j < d; j++) {
        p +=
          m.data[m.offset + i * m.stride[0] + j * m.stride[1]] *
          m.data[m.offset + k * m.stride[0] + j * m.stride[1]];
      }
      const err = Math.abs(p - (i === k ? 1 : 0));
      if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
    }
  }
  if (!(worst <= tol)) {
    throw new RangeError(
      `${op}: ${label} must have orthonormal rows (M M^T = I), largest deviation ${worst.toExponential(2)} > ${tol}; orthonormalise it first (orthonormalizeRows of @mtrl/tensors)`,
    );
  }
  return m.dtype === dtype ? m : copy(m, dtype);
}
