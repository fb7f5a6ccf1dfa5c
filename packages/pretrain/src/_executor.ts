import type { Layer } from '@mtrl/network';
import { type DType, type Matrix, type Vector, zeros } from '@mtrl/tensors';
import {
  runTask,
  type TaskContext,
  type TaskPieces,
  taskShapes,
  taskWorkspace,
} from './_runTask.js';
import type { TaskSource } from './source.js';

/** One task's contribution to a round, as the reduction sees it. @internal */
export interface TaskOutcome<D extends DType = DType> {
  /**
   * weight * dL_t/dW, computed from zero: `[m, d]`; under the projected sampler the task's
   * `[C'^T U | C'^T C']` (`[m, gradCols]`, see `taskShapes`).
   */
  readonly gradW: Matrix<D>;
  /** weight * dL_t/db when biases are trained: `[m]`. */
  readonly gradB?: Vector<D>;
  /** The adapted head: `[m]`. */
  readonly head: Vector<D>;
  readonly headLoss: number;
  readonly layerLoss: number;
  readonly headConverged?: boolean;
  /** Mean of the task's raw labels in this round (S1 and S2). */
  readonly labelMean: number;
  /** The head's (weighted, for a shared head) gradient, when the layer-gradient step gives it. */
  readonly headGradient?: Vector<D>;
}

/**
 * Runs the tasks of a round, here or elsewhere, and hands their outcomes over in task order.
 * @internal
 */
export interface TaskExecutor<D extends DType = DType> {
  /**
   * Starts round `round`; `layer` (the tasks' layer: W, or `[W B^T; M B^T]` under the projected
   * sampler) and the starting heads `headOf(t)` stay unchanged until task t has been taken.
   */
  beginRound(round: number, layer: Layer<D>, headOf: (t: number) => Vector<D>): void;
  /** Task t's outcome (t = 0, 1, ... in order): a value, or a promise of one. */
  take(t: number): TaskOutcome<D> | Promise<TaskOutcome<D>>;
  /** Gives the outcome's buffers back once it has been added into the round's sum. */
  release(outcome: TaskOutcome<D>): void;
}

/**
 * The single-threaded executor: runs task t when it is taken, into one pair of gradient buffers
 * and one task workspace (samples, features) reused by every task of every round. @internal
 */
export function localExecutor<D extends DType>(
  source: TaskSource<D>,
  ctx: TaskContext,
  pieces: TaskPieces,
  m: number,
  trainBias: boolean,
): TaskExecutor<D> {
  const dtype = ctx.dtype as D;
  const { gradCols } = taskShapes(ctx, m, source.d);
  const out: { w: Matrix<D>; b?: Vector<D> } = { w: zeros([m, gradCols] as const, { dtype }) };
  if (trainBias) out.b = zeros([m] as const, { dtype });
  const ws = taskWorkspace<D>(ctx, m, source.d);
  let round = 0;
  let layer: Layer<D> | undefined;
  let headOf: ((t: number) => Vector<D>) | undefined;
  return {
    beginRound(r, l, h) {
      round = r;
      layer = l;
      headOf = h;
    },
    take(t) {
      if (layer === undefined || headOf === undefined)
        throw new Error('pretrain: take before beginRound');
      const res = runTask(source, ctx, pieces, layer, headOf(t), round, t, out, ws);
      return {
        gradW: out.w,
        ...(out.b ? { gradB: out.b } : {}),
        head: res.head,
        headLoss: res.headLoss,
        layerLoss: res.layerLoss,
        labelMean: res.labelMean,
        ...(res.headConverged === undefined ? {} : { headConverged: res.headConverged }),
        ...(res.headGradient === undefined ? {} : { headGradient: res.headGradient }),
      };
    },
    release() {},
  };
}
