import type { Batch } from '@mtrl/network';
import {
  canRebuild,
  type GroundTruth,
  type InputDistribution,
  type ProjectedTaskSampleBuffers,
  sampleTask,
  sampleTaskInto,
  sampleTaskProjectedInto,
  type TaskSuite,
  taskData,
} from '@mtrl/tasks';
import { copy, type DType, type Key, type Matrix } from '@mtrl/tensors';
import type { SuiteSourceSpec } from './suiteSourceSpec.js';

/**
 * Where pretraining gets its data: `tasks` tasks over inputs of dimension `d`, and a sampler
 * that draws a fresh labelled batch of task t from a key. The sampler must be a pure function
 * of its arguments (same key, same batch), so runs are reproducible and tasks can be sampled
 * in any order or in parallel. Implement it directly for your own task families, or build one
 * from @mtrl/tasks with {@link suiteSource}.
 */
export interface TaskSource<D extends DType = DType> {
  /** Number of tasks T. */
  readonly tasks: number;
  /** Input dimension d. */
  readonly d: number;
  /** A fresh batch of `n` samples of task `t` (0 <= t < tasks), drawn from `key` in `dtype`. */
  sample(t: number, key: Key, n: number, dtype: D): Batch<D>;
  /**
   * Optional: the batch `sample(t, key, n, out.x.dtype)` would return, bit for bit, written into
   * `out` (`x: [n, d]`, `y: [n]`) instead of fresh buffers. Pretraining then reuses one sample
   * buffer per thread for every task of every round; without it, each batch is allocated.
   */
  sampleInto?(t: number, key: Key, out: Batch<D>): void;
  /**
   * A serialisable description from which a worker thread rebuilds the same sampler
   * ({@link suiteSourceFromSpec}). Sources without one always run on the calling thread.
   */
  readonly spec?: SuiteSourceSpec;
  /**
   * Optional: what the projected sampler (`sampler: 'projected'` in the config) needs to know
   * about the data, which `sample` hides: the ground truth M and the input distribution, and a
   * sampler of each task's batches in the coordinates of a basis. `suiteSource` provides it;
   * a source of your own can too, when its tasks' labels are functions of z = M x and its
   * inputs are Gaussian or a Gaussian mixture centred in span(M^T).
   */
  readonly projected?: ProjectedSampling<D>;
}

/**
 * The capability of a {@link TaskSource} that the projected sampler needs (docs:
 * Specification, 'The projected sampler'). Each round, pretraining takes an orthonormal basis
 * B (`[k, d]`) of the rows of the layer W and of M, and asks for every task's samples directly
 * in the coordinates u = B x: n k normals instead of n d. This is exact in law when the labels
 * depend on x only through z = M x and the inputs are `gaussian` or `mixture`; pretraining
 * refuses the projected sampler for other input kinds.
 */
export interface ProjectedSampling<D extends DType = DType> {
  /** The ground truth: every task's labels are a function of z = M x (`gt.m: [r, d]`). */
  readonly gt: GroundTruth;
  /** The input distribution of every task (the projected sampler needs `gaussian` or `mixture`). */
  readonly inputs: InputDistribution;
  /**
   * Writes a fresh batch of task t, of `out.u.shape[0]` samples, in the coordinates u = B x of
   * an orthonormal basis B whose span contains the rows of M, given `mInBasis = M B^T`
   * (`[r, k]`): `out.u: [n, k]` and the labels `out.y: [n]`, as `sampleTaskProjectedInto` of
   * @mtrl/tasks does. A pure function of its arguments, like `sample`.
   */
  sampleInto(t: number, key: Key, mInBasis: Matrix, out: ProjectedTaskSampleBuffers<D>): void;
}

/**
 * The samplers of a suite source, shared by {@link suiteSource} and `suiteSourceFromSpec`:
 * `sample` and `sampleInto` (into given buffers, with M converted to their dtype once), and the
 * `projected` capability.
 */
export function sampleSuite<D extends DType>(
  gt: GroundTruth,
  tasks: TaskSuite['tasks'],
  inputs: InputDistribution,
): Pick<TaskSource<D>, 'sample'> & Required<Pick<TaskSource<D>, 'sampleInto' | 'projected'>> {
  const task = (t: number) => {
    const found = tasks[t];
    if (found === undefined)
      throw new RangeError(`suiteSource: task index ${t} outside 0..${tasks.length - 1}`);
    return found;
  };
  // gt with M in the samples' dtype, made once per dtype (sampleTask would convert every call).
  const converted = new Map<DType, GroundTruth>();
  const gtIn = (dtype: DType): GroundTruth => {
    if (gt.m.dtype === dtype) return gt;
    let g = converted.get(dtype);
    if (g === undefined) {
      g = { ...gt, m: copy(gt.m, dtype) };
      converted.set(dtype, g);
    }
    return g;
  };
  return {
    sample: (t, k, n, dtype) => {
      const { x, y } = sampleTask(k, task(t), gt, inputs, n, { dtype });
      return { x, y };
    },
    sampleInto: (t, k, out) => sampleTaskInto(k, task(t), gtIn(out.x.dtype), inputs, out),
    projected: {
      gt,
      inputs,
      sampleInto: (t, k, mInBasis, out) =>
        sampleTaskProjectedInto(k, task(t), mInBasis, inputs, out),
    },
  };
}

/**
 * A {@link TaskSource} over a task suite of @mtrl/tasks: task t's batches are
 * `sampleTask(key, suite.tasks[t], gt, inputs, n)`. The source carries a `spec`, so
 * `pretrainAsync` can sample its tasks on worker threads, unless a task is `custom` with a
 * function that lives only on this thread (a family `{ kind: 'custom', draw }` or `fn`); tasks
 * of a module family (`taskSuiteAsync` with `{ kind: 'custom', module }`) are described by their
 * module reference and key, and each worker rebuilds them. It
 * always carries `projected` (M, the inputs and `sampleTaskProjectedInto`), so it can run with
 * `sampler: 'projected'` when its inputs are `gaussian` or `mixture`.
 *
 * @param gt - the ground truth (M: [r, d])
 * @param suite - the T tasks
 * @param inputs - the input distribution; default gaussian
 * @throws {RangeError} when suite.r differs from gt.r
 * @example
 * const gt = groundTruth(k1, { d: 256, r: 4 });
 * const source = suiteSource(gt, taskSuite(k2, { kind: 'halfspace' }, gt, 64));
 * source.spec !== undefined; // returns true
 */
export function suiteSource<D extends DType = DType>(
  gt: GroundTruth,
  suite: TaskSuite,
  inputs: InputDistribution = { kind: 'gaussian' },
): TaskSource<D> {
  if (suite?.r !== gt?.r)
    throw new RangeError(`suiteSource: suite.r=${suite?.r} differs from gt.r=${gt?.r}`);
  const source: TaskSource<D> = {
    tasks: suite.tasks.length,
    d: gt.d,
    ...sampleSuite<D>(gt, suite.tasks, inputs),
  };
  // Custom tasks whose function lives only on this thread have no plain-data description.
  if (!suite.tasks.every(canRebuild)) return source;
  const spec: SuiteSourceSpec = {
    gt: {
      // An exact-size copy in M's own dtype: the worker's samples must match bit for bit.
      m: copy(gt.m).data,
      d: gt.d,
      r: gt.r,
      kind: gt.kind,
      ...(gt.coordinates === undefined ? {} : { coordinates: [...gt.coordinates] }),
    },
    tasks: suite.tasks.map(taskData),
    inputs,
  };
  return { ...source, spec };
}
