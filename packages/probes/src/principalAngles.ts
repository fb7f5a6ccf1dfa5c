import { assertTensor, type Matrix, matmul, singularValues, sub, svdThin } from '@mtrl/tensors';
import { assertFinite } from './_validate.js';

// Singular values below this fraction of the largest mark a rank-deficient basis.
const RANK_TOL = 1e-10;

/** Orthonormal columns spanning the columns of `a` (`[d, p]`, full column rank). @internal */
export function orthonormalBasis(op: string, name: string, a: Matrix): Matrix<'float64'> {
  const [d, p] = a.shape;
  if (p < 1 || p > d) {
    throw new RangeError(
      `${op}: ${name} has shape [${d}, ${p}], expected [d, p] with 1 <= p <= d (columns span the subspace)`,
    );
  }
  const { u, s } = svdThin(a);
  const top = s.data[0];
  const last = s.data[p - 1];
  if (!(top > 0) || !(last > RANK_TOL * top)) {
    throw new RangeError(
      `${op}: the columns of ${name} must be linearly independent, got singular values ${top.toExponential(2)} ... ${last.toExponential(2)}`,
    );
  }
  return u;
}

/**
 * The principal angles between two subspaces of R^d, given by matrices whose columns span
 * them: `theta_1 <= ... <= theta_k` with `k = min(p, q)`, where `cos theta_i` are the singular
 * values of `Q_a^T Q_b` for orthonormal bases Q_a, Q_b (Björck & Golub, 1973). Small angles
 * are taken from the sines, the singular values of `Q_b - Q_a Q_a^T Q_b`, so they keep full
 * accuracy instead of the ~1e-8 floor of `acos` near 1 (Knyazev & Argentati, 2002).
 * @param a - `[d, p]`, columns spanning the first subspace (need not be orthonormal)
 * @param b - `[d, q]`, columns spanning the second
 * @returns `k = min(p, q)` angles in radians, ascending, in [0, pi/2]
 * @throws {TypeError} when a or b is not a float32/float64 Matrix
 * @throws {RangeError} when the row counts differ, a matrix has more columns than rows or
 *   linearly dependent columns, or an entry is NaN or infinite
 * @example
 * principalAngles(fromArray([[1], [0]]), fromArray([[1], [1]])); // returns [0.7853981633974483] (pi/4, to rounding)
 * principalAngles(fromArray([[1], [0], [0]]), fromArray([[0], [1], [0]])); // returns [1.5707963267948966]
 */
export function principalAngles(a: Matrix, b: Matrix): number[] {
  const op = 'principalAngles';
  assertTensor(op, 'a', a, 2);
  assertTensor(op, 'b', b, 2);
  assertFinite(op, 'a', a);
  assertFinite(op, 'b', b);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `${op}: a and b must have the same number of rows d, got a [${a.shape.join(', ')}] and b [${b.shape.join(', ')}]`,
    );
  }
  let qa = orthonormalBasis(op, 'a', a);
  let qb = orthonormalBasis(op, 'b', b);
  // Let qb be the smaller basis, so the sines below are those of all k angles.
  if (qb.shape[1] > qa.shape[1]) [qa, qb] = [qb, qa];
  return anglesBetweenBases(qa, qb);
}

/** Principal angles between orthonormal bases `qa: [d, p]`, `qb: [d, q]`, q <= p. @internal */
export function anglesBetweenBases(qa: Matrix<'float64'>, qb: Matrix<'float64'>): number[] {
  const k = qb.shape[1];
  const c = matmul(qa, qb, { transA: true }); // [p, q]
  const cos = singularValues(c).data; // descending
  const resid = sub(qb, matmul(qa, c)); // (I - Q_a Q_a^T) Q_b, [d, q]
  const sin = Array.from(singularValues(resid).data).sort((x, y) => x - y); // ascending
  const angles: number[] = [];
  for (let i = 0; i < k; i++) {
    const ci = Math.min(1, Math.max(0, cos[i]));
    const si = Math.min(1, Math.max(0, sin[i]));
    angles.push(ci * ci < 0.5 ? Math.acos(ci) : Math.asin(si));
  }
  return angles.sort((x, y) => x - y);
}
