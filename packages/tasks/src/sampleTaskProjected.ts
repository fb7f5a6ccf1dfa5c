import {
  assertDType,
  assertKey,
  assertSameDType,
  assertShape,
  assertTensor,
  checkInt,
  copy,
  type DType,
  gemmInto,
  type Key,
  type Matrix,
  normalInto,
  randomInts,
  split,
  uniform,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import type { Task } from './drawTask.js';
import { checkInputDistribution, type InputDistribution } from './inputDistribution.js';
import { checkTask, labelRows } from './labelTask.js';
import type { SampleOptions } from './sampleInputs.js';

/** One labelled batch of a task in the coordinates u = B x of a {@link ProjectionBasis}. */
export interface ProjectedTaskSample<D extends DType = DType> {
  /** Inputs in the basis, u = B x: `[n, k]`. */
  readonly u: Matrix<D>;
  /** Labels in {-1, +1} after label noise: `[n]`. */
  readonly y: Vector<D>;
  /** Projected inputs z = M x = u (M B^T)^T: `[n, r]`. */
  readonly z: Matrix<D>;
}

/** Preallocated buffers of one batch for {@link sampleTaskProjectedInto}. */
export interface ProjectedTaskSampleBuffers<D extends DType = DType> {
  /** `[n, k]`, overwritten with u = B x. */
  readonly u: Matrix<D>;
  /** `[n]`, overwritten with the labels. */
  readonly y: Vector<D>;
  /** `[n, r]`, overwritten with z; a small temporary is used when omitted. */
  readonly z?: Matrix<D>;
}

/**
 * Draws n labelled samples of a task directly in the coordinates `u = B x` of an orthonormal
 * basis B (`[k, d]`) whose span contains the rows of M, given only `mInBasis = M B^T`
 * (`[r, k]`, from `projectionBasis`): the projected sampler (docs: Specification, 'The
 * projected sampler'). For `gaussian` inputs u is N(0, I_k); for `mixture` inputs
 * `u = (M B^T)^T mu_c + s xi` with `xi ~ N(0, I_k)`, since the centres `M^T mu_c` lie in the span
 * of B. Labels are `g(z)` with `z = u (M B^T)^T = M x`, flipped with probability
 * `task.noise`. So (u, y) has exactly the law of (B x, y) for x drawn by `sampleTask`, at a
 * cost of n k normals instead of n d; the random streams differ from `sampleTask`'s.
 *
 * Only Gaussian parts can be split this way: `sphere` and `hypercube` inputs are refused.
 *
 * Key use: `[ku, kNoise] = split(key)`; gaussian: u is `normal(ku, [n, k])`; mixture:
 * `[kc, kxi] = split(ku)`, centre indices `randomInts(kc, n, K)` and noise `normal(kxi, [n, k])`;
 * flips are `uniform(kNoise, [n]) < noise`.
 *
 * @param key - the key for this batch
 * @param task - the task
 * @param mInBasis - `[r, k]`, the rows of M in the basis (`projectionBasis(gt, w).mInBasis`)
 * @param dist - the input distribution: `gaussian` or `mixture`
 * @param n - batch size, n >= 0
 * @param opts - `{ dtype? }` of u, y and z (default float64)
 * @returns `{ u: [n, k], y: [n], z: [n, r] }`
 * @throws {RangeError} for `sphere` or `hypercube` inputs, when n is not a non-negative integer,
 *   when mInBasis does not have task.r rows, or a kind is unknown
 * @throws {TypeError} when task or dist is not an object { kind }
 * @example
 * const gt = groundTruth(key(0), { d: 4096, r: 4 });
 * const basis = projectionBasis(gt, layer.w); // layer.w: [256, 4096], so k = 260
 * const { u, y } = sampleTaskProjected(key(2), task, basis.mInBasis, { kind: 'gaussian' }, 1024);
 * u.shape; // returns [1024, 260]
 */
export function sampleTaskProjected<D extends DType = 'float64'>(
  key: Key,
  task: Task,
  mInBasis: Matrix,
  dist: InputDistribution,
  n: number,
  opts: SampleOptions<D> = {},
): ProjectedTaskSample<D> {
  const op = 'sampleTaskProjected';
  checkInt(op, 'n', n, { min: 0 });
  const dtype = (opts.dtype ?? 'float64') as D;
  assertDType(op, dtype);
  assertTensor(op, 'mInBasis', mInBasis, 2);
  const k = mInBasis.shape[1];
  const out = {
    u: zeros([n, k] as const, { dtype }),
    y: zeros([n] as const, { dtype }),
    z: zeros([n, mInBasis.shape[0]] as const, { dtype }),
  };
  drawProjected(op, key, task, mInBasis, dist, out);
  return out;
}

/**
 * {@link sampleTaskProjected} into preallocated buffers: the same batch bit for bit from the
 * same key. n is `out.u.shape[0]`, k its number of columns; u, y and z share one dtype.
 *
 * @param out - `{ u: [n, k], y: [n], z?: [n, r] }`, overwritten
 * @throws {RangeError} for `sphere` or `hypercube` inputs, when the buffers' shapes disagree
 *   with n, k and r or their dtypes differ, or a kind is unknown
 * @throws {TypeError} when task or dist is not an object { kind }, or a buffer is not a tensor
 * @example
 * const out = { u: zeros([1024, basis.k] as const), y: zeros([1024] as const) };
 * sampleTaskProjectedInto(key(2), task, basis.mInBasis, { kind: 'gaussian' }, out);
 */
export function sampleTaskProjectedInto<D extends DType>(
  key: Key,
  task: Task,
  mInBasis: Matrix,
  dist: InputDistribution,
  out: ProjectedTaskSampleBuffers<D>,
): void {
  drawProjected('sampleTaskProjectedInto', key, task, mInBasis, dist, out);
}

function drawProjected<D extends DType>(
  op: string,
  key: Key,
  task: Task,
  mInBasis: Matrix,
  dist: InputDistribution,
  out: ProjectedTaskSampleBuffers<D>,
): void {
  assertKey(op, key);
  checkTask(op, task);
  assertTensor(op, 'mInBasis', mInBasis, 2);
  const [r, k] = mInBasis.shape;
  if (r !== task.r)
    throw new RangeError(
      `${op}: mInBasis has shape [${r}, ${k}] but the task reads r=${task.r} coordinates`,
    );
  const dd = checkInputDistribution(op, dist, r);
  if (dd.kind !== 'gaussian' && dd.kind !== 'mixture')
    throw new RangeError(
      `${op}: the projected sampler is exact only for gaussian and mixture inputs, got '${dd.kind}' inputs: draw them with sampleTask`,
    );
  assertShape(op, 'out.u', out?.u, [-1, k]);
  const n = out.u.shape[0];
  assertShape(op, 'out.y', out.y, [n]);
  if (out.z !== undefined) {
    assertShape(op, 'out.z', out.z, [n, r]);
    assertSameDType(op, { 'out.u': out.u, 'out.y': out.y, 'out.z': out.z });
  } else assertSameDType(op, { 'out.u': out.u, 'out.y': out.y });
  const dtype = out.u.dtype as D;
  const u = out.u;
  const [ku, kNoise] = split(key, 2);
  if (dd.kind === 'gaussian') normalInto(ku, u);
  else {
    const [kc, kxi] = split(ku, 2);
    const K = dd.centres.length;
    const labels = randomInts(kc, n, K);
    normalInto(kxi, u);
    // Centres in the basis, B M^T mu_c = (M B^T)^T mu_c, accumulated in float64.
    const lifted = new Float64Array(K * k);
    for (let c = 0; c < K; c++)
      for (let a = 0; a < r; a++) {
        const mu = dd.centres[c][a];
        const base = mInBasis.offset + a * mInBasis.stride[0];
        for (let j = 0; j < k; j++)
          lifted[c * k + j] += mu * mInBasis.data[base + j * mInBasis.stride[1]];
      }
    const s = dd.noiseStd;
    const [s0, s1] = u.stride;
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      const o = u.offset + i * s0;
      for (let j = 0; j < k; j++) u.data[o + j * s1] = lifted[c * k + j] + s * u.data[o + j * s1];
    }
  }
  const mb = mInBasis.dtype === dtype ? (mInBasis as Matrix<D>) : copy(mInBasis, dtype);
  const z = out.z ?? zeros([n, r] as const, { dtype });
  gemmInto(z, u, mb, { transB: true });
  labelRows(op, task, z, out.y);
  if (task.noise > 0 && n > 0) {
    const flips = uniform(kNoise, [n] as const);
    const y = out.y;
    for (let i = 0; i < n; i++) {
      const o = y.offset + i * y.stride[0];
      if (flips.data[i] < task.noise) y.data[o] = -y.data[o];
    }
  }
}
