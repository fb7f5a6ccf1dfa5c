import type { Layer } from '@mtrl/network';
import { batchKey } from '@mtrl/tasks';
import type { DType, Key, Matrix, Vector } from '@mtrl/tensors';
import type { TaskSource } from './source.js';
import { type TaskStepOptions, type TaskStepResult, taskStep } from './taskStep.js';

/** Everything a task of a round needs besides the layer and its head: plain data. @internal */
export interface TaskContext {
  readonly dtype: DType;
  readonly n1: number;
  readonly n2: number;
  /** The run's data key (`runKeys(...).data`); batches are `batchKey(data, round, t, ...)`. */
  readonly dataKey: Key;
  readonly step: TaskStepOptions;
}

/**
 * Task t of round `round`: draws S1 and S2 from their keys and runs {@link taskStep} into `out`.
 * The single-threaded path and the workers both call exactly this. @internal
 */
export function runTask<D extends DType>(
  source: TaskSource<D>,
  ctx: TaskContext,
  layer: Layer<D>,
  head: Vector<D>,
  round: number,
  t: number,
  out: { w: Matrix<D>; b?: Vector<D> },
): TaskStepResult<D> {
  const dtype = ctx.dtype as D;
  const s1 =
    ctx.step.head.mode === 'fixed'
      ? undefined
      : source.sample(t, batchKey(ctx.dataKey, round, t, 'head'), ctx.n1, dtype);
  const s2 = source.sample(t, batchKey(ctx.dataKey, round, t, 'layer'), ctx.n2, dtype);
  return taskStep(layer, head, s1, s2, ctx.step, out);
}
