import type { Batch } from '@mtrl/network';
import {
  type GroundTruth,
  type InputDistribution,
  sampleTask,
  sampleTaskInto,
  type TaskSuite,
} from '@mtrl/tasks';
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
}

/**
 * The samplers of a suite source, shared by {@link suiteSource} and `suiteSourceFromSpec`:
 * `sample` and `sampleInto` (into given buffers, with M converted to their dtype once).
 */
export function sampleSuite<D extends DType>(
  gt: GroundTruth,
  tasks: TaskSuite['tasks'],
  inputs: InputDistribution,
): Pick<TaskSource<D>, 'sample'> & Required<Pick<TaskSource<D>, 'sampleInto'>> {
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
    ...sampleSuite<D>(gt, suite.tasks, inputs),
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
