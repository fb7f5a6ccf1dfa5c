import {
  type Activation,
  type Batch,
  type Layer,
  type LayerGradWorkspace,
  layerGradWorkspace,
} from '@mtrl/network';
import { batchKey } from '@mtrl/tasks';
import { type DType, type Key, type Matrix, sliceRows, type Vector, zeros } from '@mtrl/tensors';
import { type ProjectedContext, projectedGradCols, runProjectedTask } from './_projectedTask.js';
import type { HeadStep, LayerGradientStep, LossLike } from './algorithm.js';
import type { TaskSource } from './source.js';
import { prepareLabels, type TaskStepResult } from './taskStep.js';

/** Everything a task of a round needs besides the layer, its head and the pieces: plain data. @internal */
export interface TaskContext {
  readonly dtype: DType;
  readonly n1: number;
  readonly n2: number;
  /** The run's data key (`runKeys(...).data`); batches are `batchKey(data, round, t, ...)`. */
  readonly dataKey: Key;
  /** The head step size alpha. */
  readonly alpha: number;
  /** Centre the labels of S1 and of S2 separately. */
  readonly centerLabels: boolean;
  /** Task t's weight in the reduction, by task index. */
  readonly weights: readonly number[];
  /** Tasks start from one shared head, whose gradient is then weighted like the layer's. */
  readonly sharedHead: boolean;
  /** Whether the head step draws S1. */
  readonly headSamples: boolean;
  /** The layer's activation (ReLU when absent); workers give it to the layers they are sent. */
  readonly activation?: Activation;
  /** Set with `sampler: 'projected'`: tasks run in the coordinates of the round's basis. */
  readonly projected?: ProjectedContext;
}

/** The per-task pieces of an algorithm, as objects. @internal */
export interface TaskPieces {
  readonly headStep: HeadStep;
  readonly layerGradient: LayerGradientStep;
  readonly loss: LossLike;
}

/**
 * The shapes that cross between the round and its tasks: the layer a task is given
 * (`[layerRows, layerCols]`: W itself, `[m, d]`, or under the projected sampler
 * `[W B^T; M B^T]`, `[m + r, k]`) and the gradient buffer it fills (`[m, gradCols]`). @internal
 */
export function taskShapes(
  ctx: TaskContext,
  m: number,
  d: number,
): { layerRows: number; layerCols: number; gradCols: number } {
  const p = ctx.projected;
  if (p === undefined) return { layerRows: m, layerCols: d, gradCols: d };
  return { layerRows: m + p.r, layerCols: p.k, gradCols: projectedGradCols(p, m) };
}

/**
 * The buffers one thread reuses for every task of every round, so that a task allocates
 * nothing of size n x d or n x m: one sample buffer `[max(n1, n2), d]` (S1 is drawn, used for
 * the head and dropped before S2 is drawn into the same memory; `[max(n1, n2), k]` under the
 * projected sampler), the features of S1 `[n1, m]`, and the forward buffers of the layer
 * gradient on S2. @internal
 */
export interface TaskWorkspace<D extends DType = DType> {
  readonly x: Matrix<D>;
  readonly y: Vector<D>;
  readonly h1: Matrix<D>;
  readonly grad: LayerGradWorkspace<D>;
}

/**
 * The workspace for tasks of `ctx` with m hidden units and inputs of dimension d (of dimension
 * k under the projected sampler). @internal
 */
export function taskWorkspace<D extends DType>(
  ctx: TaskContext,
  m: number,
  d: number,
): TaskWorkspace<D> {
  const dtype = ctx.dtype as D;
  const n1 = ctx.headSamples ? ctx.n1 : 0;
  const n = Math.max(n1, ctx.n2);
  const cols = ctx.projected === undefined ? d : ctx.projected.k;
  return {
    x: zeros([n, cols] as const, { dtype }),
    y: zeros([n] as const, { dtype }),
    h1: zeros([n1, m] as const, { dtype }),
    grad: layerGradWorkspace(ctx.n2, m, dtype, ctx.activation),
  };
}

// A batch of n samples of task t: into the workspace when the source can, else fresh.
function draw<D extends DType>(
  source: TaskSource<D>,
  ws: TaskWorkspace<D> | undefined,
  t: number,
  k: Key,
  n: number,
  dtype: D,
): Batch<D> {
  if (ws === undefined || source.sampleInto === undefined) return source.sample(t, k, n, dtype);
  const y: Vector<D> = { dtype: ws.y.dtype, shape: [n], stride: [1], offset: 0, data: ws.y.data };
  const batch: Batch<D> = { x: sliceRows(ws.x, 0, n), y };
  source.sampleInto(t, k, batch);
  return batch;
}

/**
 * Task t of round `round`: draws S1 (when the head step uses samples) and S2 from their keys,
 * runs the head step on S1 and the layer-gradient step on S2 into `out`, reusing `ws` when given
 * (the result is the same bit for bit). The single-threaded path and the workers both call
 * exactly this. Under the projected sampler (`ctx.projected`) `layer` is the round's
 * `[W B^T; M B^T]` and the task is `runProjectedTask`'s. @internal
 */
export function runTask<D extends DType>(
  source: TaskSource<D>,
  ctx: TaskContext,
  pieces: TaskPieces,
  layer: Layer<D>,
  head: Vector<D>,
  round: number,
  t: number,
  out: { w: Matrix<D>; b?: Vector<D> },
  ws?: TaskWorkspace<D>,
): TaskStepResult<D> {
  const dtype = ctx.dtype as D;
  if (ctx.projected !== undefined)
    return runProjectedTask(
      source,
      ctx,
      pieces,
      layer,
      head,
      round,
      t,
      out,
      ws ?? taskWorkspace<D>(ctx, layer.b.shape[0], ctx.projected.k),
    );
  const center = ctx.centerLabels;
  const where = (set: string) => `pretrain: task ${t}'s ${set} samples in round ${round}`;
  const s1 = ctx.headSamples
    ? draw(source, ws, t, batchKey(ctx.dataKey, round, t, 'head'), ctx.n1, dtype)
    : undefined;
  // The batches are this task's own (fresh or the workspace's), so labels are centred in place.
  const m1 = s1 === undefined ? 0 : prepareLabels(where('S1'), s1, center);
  const adapted =
    s1 === undefined
      ? { head, headLoss: Number.NaN }
      : pieces.headStep.adapt({
          layer,
          head,
          s1,
          loss: pieces.loss,
          alpha: ctx.alpha,
          ...(ws === undefined ? {} : { features: ws.h1 }),
        });
  const s2 = draw(source, ws, t, batchKey(ctx.dataKey, round, t, 'layer'), ctx.n2, dtype);
  const m2 = prepareLabels(where('S2'), s2, center);
  const n1 = s1 === undefined ? 0 : ctx.n1;
  const labelMean = (n1 * m1 + ctx.n2 * m2) / (n1 + ctx.n2);
  const weight = ctx.weights[t] as number;
  const g = pieces.layerGradient.compute({
    layer: adapted.layer ?? layer,
    head: adapted.head,
    s2,
    loss: pieces.loss,
    weight,
    headWeight: ctx.sharedHead ? weight : 1,
    out,
    ...(ws === undefined ? {} : { workspace: ws.grad }),
  });
  return taskResult(adapted, g, labelMean);
}

/** A task's result from its head step's and layer-gradient step's. @internal */
export function taskResult<D extends DType>(
  adapted: { head: Vector<D>; headLoss: number; headConverged?: boolean },
  g: { loss: number; head?: Vector<D> },
  labelMean: number,
): TaskStepResult<D> {
  return {
    head: adapted.head,
    headLoss: adapted.headLoss,
    layerLoss: g.loss,
    labelMean,
    ...(adapted.headConverged === undefined ? {} : { headConverged: adapted.headConverged }),
    ...(g.head === undefined ? {} : { headGradient: g.head }),
  };
}
