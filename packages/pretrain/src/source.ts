import type { Batch } from '@mtrl/network';
import { type GroundTruth, type InputDistribution, sampleTask, type TaskSuite } from '@mtrl/tasks';
import { copy, type DType, type Key } from '@mtrl/tensors';
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
   * A serialisable description from which a worker thread rebuilds the same sampler
   * ({@link suiteSourceFromSpec}). Sources without one always run on the calling thread.
   */
  readonly spec?: SuiteSourceSpec;
}

/** The sampler of a suite source, shared by {@link suiteSource} and `suiteSourceFromSpec`. */
export function sampleSuite<D extends DType>(
  gt: GroundTruth,
  tasks: TaskSuite['tasks'],
  inputs: InputDistribution,
): TaskSource<D>['sample'] {
  return (t, k, n, dtype) => {
    const task = tasks[t];
    if (task === undefined)
      throw new RangeError(`suiteSource: task index ${t} outside 0..${tasks.length - 1}`);
    const { x, y } = sampleTask(k, task, gt, inputs, n, { dtype });
    return { x, y };
  };
}

/**
 * A {@link TaskSource} over a task suite of @mtrl/tasks: task t's batches are
 * `sampleTask(key, suite.tasks[t], gt, inputs, n)`. Unless a task is `custom` (a function),
 * the source carries a `spec`, so `pretrainAsync` can sample its tasks on worker threads.
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
    sample: sampleSuite<D>(gt, suite.tasks, inputs),
  };
  if (suite.tasks.some((t) => t.kind === 'custom')) return source;
  const spec: SuiteSourceSpec = {
    gt: {
      // An exact-size copy in M's own dtype: the worker's samples must match bit for bit.
      m: copy(gt.m).data,
      d: gt.d,
      r: gt.r,
      kind: gt.kind,
      ...(gt.coordinates === undefined ? {} : { coordinates: [...gt.coordinates] }),
    },
    tasks: suite.tasks,
    inputs,
  };
  return { ...source, spec };
}
