import {
  assertDType,
  assertKey,
  assertSameDType,
  assertShape,
  copy,
  type DType,
  gemmInto,
  type Key,
  type Matrix,
  split,
  uniform,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import type { Task } from './drawTask.js';
import type { GroundTruth } from './groundTruth.js';
import type { InputDistribution } from './inputDistribution.js';
import { checkTask, labelRows, labelTask } from './labelTask.js';
import { type SampleOptions, sampleInputs, sampleInputsInto } from './sampleInputs.js';

/** One labelled batch of a task. */
export interface TaskSample<D extends DType = DType> {
  /** Inputs, `[n, d]`. */
  readonly x: Matrix<D>;
  /** Labels in {-1, +1} after label noise, `[n]`. */
  readonly y: Vector<D>;
  /** Projected inputs `z = x M^T`, `[n, r]`. */
  readonly z: Matrix<D>;
}

/**
 * Draws n fresh labelled samples of a task: x from `dist`, `z = x M^T` (one GEMM), `y = g(z)`
 * with each label flipped independently with probability `task.noise`.
 *
 * Key use: `[kx, kNoise] = split(key)`; x is `sampleInputs(kx, ...)` and flips are
 * `uniform(kNoise, [n]) < noise`. The same key gives the same batch bit for bit; use a new key
 * (for example from `batchKey`) for every batch.
 *
 * @param key - the key for this batch
 * @param task - the task
 * @param gt - the ground truth the task lives on
 * @param dist - the input distribution
 * @param n - batch size, n >= 0
 * @param opts - `{ dtype? }` of x, y and z (default float64)
 * @returns `{ x: [n, d], y: [n], z: [n, r] }`
 * @throws {RangeError} when n is not a non-negative integer, task.r differs from gt.r, or a kind or
 *   dtype is unknown
 * @throws {TypeError} when task or dist is not an object { kind }
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * const task = drawTask(key(1), { kind: 'halfspace', noise: 0.1 }, gt);
 * const { x, y } = sampleTask(key(2), task, gt, { kind: 'gaussian' }, 256);
 * x.shape; // returns [256, 64]
 */
export function sampleTask<D extends DType = 'float64'>(
  key: Key,
  task: Task,
  gt: GroundTruth,
  dist: InputDistribution,
  n: number,
  opts: SampleOptions<D> = {},
): TaskSample<D> {
  const op = 'sampleTask';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  checkTask(op, task);
  if (task.r !== gt.r) throw new RangeError(`${op}: task.r=${task.r} differs from gt.r=${gt.r}`);
  const dtype = (opts.dtype ?? 'float64') as D;
  assertDType(op, dtype);
  const [kx, kNoise] = split(key, 2);
  const x = sampleInputs(kx, dist, gt, n, { dtype });
  const m = gt.m.dtype === dtype ? (gt.m as Matrix<D>) : copy(gt.m, dtype);
  const z = zeros([n, gt.r] as const, { dtype });
  gemmInto(z, x, m, { transB: true });
  const y = labelTask(task, z, { dtype });
  if (task.noise > 0 && n > 0) {
    const u = uniform(kNoise, [n] as const);
    for (let i = 0; i < n; i++) if (u.data[i] < task.noise) y.data[i] = -y.data[i];
  }
  return { x, y, z };
}

/** Preallocated buffers of one batch for {@link sampleTaskInto}. */
export interface TaskSampleBuffers<D extends DType = DType> {
  /** `[n, d]`, overwritten with the inputs. */
  readonly x: Matrix<D>;
  /** `[n]`, overwritten with the labels. */
  readonly y: Vector<D>;
  /** `[n, r]`, overwritten with `z = x M^T`; a small temporary is used when omitted. */
  readonly z?: Matrix<D>;
}

/**
 * {@link sampleTask} into preallocated buffers, for loops that draw many batches: the same
 * batch bit for bit from the same key, with no `[n, d]` temporary for Gaussian inputs (see
 * `sampleInputsInto`). n is `out.x.shape[0]`; x, y and z share one dtype.
 *
 * @param out - `{ x: [n, d], y: [n], z?: [n, r] }`, overwritten
 * @throws {RangeError} when the buffers' shapes disagree with n, d and r or their dtypes
 *   differ, task.r differs from gt.r, or a kind is unknown
 * @throws {TypeError} when task or dist is not an object { kind }, or a buffer is not a tensor
 * @example
 * const out = { x: zeros([256, gt.d] as const), y: zeros([256] as const) };
 * sampleTaskInto(key(2), task, gt, { kind: 'gaussian' }, out); // as sampleTask(key(2), task, gt, dist, 256)
 */
export function sampleTaskInto<D extends DType>(
  key: Key,
  task: Task,
  gt: GroundTruth,
  dist: InputDistribution,
  out: TaskSampleBuffers<D>,
): void {
  const op = 'sampleTaskInto';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  checkTask(op, task);
  if (task.r !== gt.r) throw new RangeError(`${op}: task.r=${task.r} differs from gt.r=${gt.r}`);
  assertShape(op, 'out.x', out?.x, [-1, gt.d]);
  const n = out.x.shape[0];
  assertShape(op, 'out.y', out.y, [n]);
  if (out.z !== undefined) {
    assertShape(op, 'out.z', out.z, [n, gt.r]);
    assertSameDType(op, { 'out.x': out.x, 'out.y': out.y, 'out.z': out.z });
  } else assertSameDType(op, { 'out.x': out.x, 'out.y': out.y });
  const dtype = out.x.dtype as D;
  const [kx, kNoise] = split(key, 2);
  sampleInputsInto(kx, dist, gt, out.x);
  const m = gt.m.dtype === dtype ? (gt.m as Matrix<D>) : copy(gt.m, dtype);
  const z = out.z ?? zeros([n, gt.r] as const, { dtype });
  gemmInto(z, out.x, m, { transB: true });
  const y = out.y;
  labelRows(op, task, z, y);
  if (task.noise > 0 && n > 0) {
    const u = uniform(kNoise, [n] as const);
    for (let i = 0; i < n; i++) {
      const o = y.offset + i * y.stride[0];
      if (u.data[i] < task.noise) y.data[o] = -y.data[o];
    }
  }
}
