import { hidden, type Layer, lossDerivatives } from '@mtrl/network';
import { batchKey } from '@mtrl/tasks';
import {
  type DType,
  gemmInto,
  type Matrix,
  sliceCols,
  sliceRows,
  type Vector,
} from '@mtrl/tensors';
import type { TaskContext, TaskPieces, TaskWorkspace } from './_runTask.js';
import type { TaskSource } from './source.js';
import { prepareLabels, type TaskStepResult } from './taskStep.js';

/**
 * What a task needs to know about the projected sampler of a run; plain data, sent to workers
 * with the rest of the {@link TaskContext}. @internal
 */
export interface ProjectedContext {
  /** Width of the round's basis B: k = min(m + r, d). */
  readonly k: number;
  /** Subspace dimension r (the rows of M). */
  readonly r: number;
  /**
   * Whether the round draws the gradient's part orthogonal to B (false when B spans R^d or the
   * inputs have no Gaussian noise): then each task also returns C'^T C'.
   */
  readonly noise: boolean;
}

/**
 * Columns of a task's gradient buffer under the projected sampler: `[C'^T U | C'^T C']`, k
 * columns then m more when the round draws the orthogonal part. @internal
 */
export const projectedGradCols = (p: ProjectedContext, m: number): number =>
  p.k + (p.noise ? m : 0);

// A vector as an [n, 1] matrix view of the same memory.
function asColumn<D extends DType>(v: Vector<D>): Matrix<D> {
  return {
    dtype: v.dtype,
    shape: [v.shape[0], 1],
    stride: [v.stride[0], 1],
    offset: v.offset,
    data: v.data,
  };
}

/**
 * Task t of a round under the projected sampler (docs: Specification, 'The projected
 * sampler'). `coords` is the round's layer in the coordinates of its basis B:
 * `w: [m + r, k]` holds `W B^T` in its first m rows and `M B^T` in the last r, and `b: [m]`.
 * S1 and S2 are drawn as u = B x (`source.projected`), the head is adapted on
 * relu(U1 (W B^T)^T + b) exactly as on the explicit features, and with
 * `C' = (weight / n2) (Z > 0) ⊙ (g a^T)` (`[n2, m]`) the task writes, from zero,
 * `out.w = [C'^T U2 | C'^T C']` (`[m, k (+ m)]`) and `out.b = C'^T 1` (the exact bias gradient).
 * The round adds these in task order and draws the remainder of the layer gradient once. The
 * workspace's sample buffer has k columns. @internal
 */
export function runProjectedTask<D extends DType>(
  source: TaskSource<D>,
  ctx: TaskContext,
  pieces: TaskPieces,
  coords: Layer<D>,
  head: Vector<D>,
  round: number,
  t: number,
  out: { w: Matrix<D>; b?: Vector<D> },
  ws: TaskWorkspace<D>,
): TaskStepResult<D> {
  const p = ctx.projected;
  const sampler = source.projected;
  if (p === undefined || sampler === undefined)
    throw new Error('pretrain: a projected task without a projected sampler');
  const [m] = coords.b.shape;
  const { k, r } = p;
  const layer: Layer<D> = { w: sliceRows(coords.w, 0, m), b: coords.b };
  const mInBasis = sliceRows(coords.w, m, m + r);
  const center = ctx.centerLabels;
  const where = (set: string) => `pretrain: task ${t}'s ${set} samples in round ${round}`;
  const draw = (purpose: 'head' | 'layer', n: number) => {
    const y: Vector<D> = { dtype: ws.y.dtype, shape: [n], stride: [1], offset: 0, data: ws.y.data };
    const batch = { x: sliceRows(ws.x, 0, n), y };
    sampler.sampleInto(t, batchKey(ctx.dataKey, round, t, purpose), mInBasis, {
      u: batch.x,
      y: batch.y,
    });
    return batch;
  };
  const s1 = ctx.headSamples ? draw('head', ctx.n1) : undefined;
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
          features: ws.h1,
        });
  if ('layer' in adapted && adapted.layer !== undefined)
    throw new RangeError(
      `pretrain: sampler 'projected' needs a head step that adapts the head only, and ${pieces.headStep.name} adapted the layer; use sampler 'explicit'`,
    );
  const n2 = ctx.n2;
  const s2 = draw('layer', n2);
  const m2 = prepareLabels(where('S2'), s2, center);
  const n1 = s1 === undefined ? 0 : ctx.n1;
  const labelMean = (n1 * m1 + n2 * m2) / (n1 + n2);

  // The forward pass of the layer gradient, in the workspace: H = relu(U W_B^T + b), f = H a.
  const a = adapted.head;
  const { h, f, g } = ws.grad;
  hidden(layer, s2.x, h);
  gemmInto(asColumn(f), h, asColumn(a));
  const layerLoss = lossDerivatives(pieces.loss, s2.y, f, g).loss;

  // H becomes C' in place; the column sums of C' are the bias gradient.
  const scale = n2 > 0 ? (ctx.weights[t] as number) / n2 : 0;
  const av = new Float64Array(m);
  for (let j = 0; j < m; j++) av[j] = a.data[a.offset + j * a.stride[0]];
  const sums = new Float64Array(m);
  const hd = h.data;
  for (let i = 0; i < n2; i++) {
    const gi = g.data[g.offset + i * g.stride[0]];
    const sg = scale * gi;
    const o = h.offset + i * m;
    for (let j = 0; j < m; j++) {
      if (hd[o + j] > 0) {
        hd[o + j] = sg * av[j];
        sums[j] += gi;
      } else hd[o + j] = 0;
    }
  }
  if (out.b !== undefined) {
    const b = out.b;
    for (let j = 0; j < m; j++) b.data[b.offset + j * b.stride[0]] = scale * sums[j] * av[j];
  }
  gemmInto(sliceCols(out.w, 0, k), h, s2.x, { transA: true });
  if (p.noise) gemmInto(sliceCols(out.w, k, k + m), h, h, { transA: true });
  const { headLoss } = adapted;
  const headConverged = 'headConverged' in adapted ? adapted.headConverged : undefined;
  return headConverged === undefined
    ? { head: a, headLoss, layerLoss, labelMean }
    : { head: a, headLoss, layerLoss, headConverged, labelMean };
}
