import { type Batch, hidden, type Layer, lossDerivatives } from '@mtrl/network';
import { batchKey } from '@mtrl/tasks';
import {
  type DType,
  gemmInto,
  gemmUpperInto,
  type Matrix,
  sliceCols,
  sliceRows,
  syrkInto,
  type Vector,
} from '@mtrl/tensors';
import type { TaskContext, TaskPieces, TaskWorkspace } from './_runTask.js';
import type { TaskSource } from './source.js';
import type { TaskStepResult } from './taskStep.js';

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
  const m1 = s1 === undefined ? 0 : projectedLabels(where('S1'), s1, center);
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
  const m2 = projectedLabels(where('S2'), s2, center);
  const n1 = s1 === undefined ? 0 : ctx.n1;
  const labelMean = (n1 * m1 + n2 * m2) / (n1 + n2);

  // The forward pass of the layer gradient, in the workspace: H = relu(U W_B^T + b), f = H a.
  // W B^T is lower triangular when the basis comes from a factorisation of [W; M] (row j of W
  // lies in the span of the first j + 1 basis vectors), and the product then skips the zeros.
  const a = adapted.head;
  const { h, f, g } = ws.grad;
  if (lowerTriangular(layer.w))
    gemmUpperInto(h, s2.x, layer.w, {
      transB: true,
      bias: layer.b,
      epilogue: { kind: 'leaky', slope: 0 },
    });
  else hidden(layer, s2.x, h);
  gemmInto(asColumn(f), h, asColumn(a));
  const layerLoss = lossDerivatives(pieces.loss, s2.y, f, g).loss;

  // H becomes C' in place; the column sums of C' are the bias gradient.
  const scale = n2 > 0 ? (ctx.weights[t] as number) / n2 : 0;
  const av = new Float64Array(m);
  for (let j = 0; j < m; j++) av[j] = a.data[a.offset + j * a.stride[0]];
  const sums = new Float64Array(m);
  const hd = h.data;
  if (hd instanceof Float32Array) {
    // h > 0 from the float's bits, without a branch (a random half of the units is active,
    // so a branch mispredicts half the time): x = bits - 1 lies in [0, 0x7f7fffff] exactly
    // for the positive floats and +inf (not for zeros, negatives or NaN), and then neither x
    // nor 0x7f7fffff - x has its sign bit set.
    const bits = new Int32Array(hd.buffer, hd.byteOffset, hd.length);
    for (let i = 0; i < n2; i++) {
      const sg = scale * g.data[g.offset + i * g.stride[0]];
      const o = h.offset + i * m;
      for (let j = 0; j < m; j++) {
        const x = (bits[o + j] - 1) | 0;
        const c = (1 - ((x | (0x7f7fffff - x)) >>> 31)) * sg * av[j];
        hd[o + j] = c;
        sums[j] += c;
      }
    }
  } else
    for (let i = 0; i < n2; i++) {
      const sg = scale * g.data[g.offset + i * g.stride[0]];
      const o = h.offset + i * m;
      for (let j = 0; j < m; j++) {
        const c = hd[o + j] > 0 ? sg * av[j] : 0;
        hd[o + j] = c;
        sums[j] += c;
      }
    }
  if (out.b !== undefined) {
    const b = out.b;
    for (let j = 0; j < m; j++) b.data[b.offset + j * b.stride[0]] = sums[j];
  }
  gemmInto(sliceCols(out.w, 0, k), h, s2.x, { transA: true });
  // C'^T C' is symmetric: one triangle's GEMMs, about half the product's flops.
  if (p.noise) syrkInto(sliceCols(out.w, k, k + m), h, { trans: true });
  const { headLoss } = adapted;
  const headConverged = 'headConverged' in adapted ? adapted.headConverged : undefined;
  return headConverged === undefined
    ? { head: a, headLoss, layerLoss, labelMean }
    : { head: a, headLoss, layerLoss, headConverged, labelMean };
}

/**
 * The mean of a batch's labels, centring them in place with `center`: `prepareLabels` without
 * its scan of the inputs, which here are the sampler's own normal draws in the basis. A batch
 * whose inputs hold a non-finite value (a source's sampler gone wrong) is still refused: one
 * contiguous pass sums them, and only a non-finite sum looks for the culprit.
 */
function projectedLabels(op: string, batch: Batch, center: boolean): number {
  const y = batch.y;
  const [n] = y.shape;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y.data[y.offset + i * y.stride[0]];
  if (!Number.isFinite(sum))
    throw new RangeError(`${op}: the labels y contain NaN or infinite values`);
  const mean = n > 0 ? sum / n : 0;
  if (center) for (let i = 0; i < n; i++) y.data[y.offset + i * y.stride[0]] -= mean;
  const x = batch.x;
  const [rows, cols] = x.shape;
  const [s0, s1] = x.stride;
  if (s1 === 1 && s0 === cols) {
    // 0 * v is 0 for a finite v and NaN otherwise; four independent sums.
    const d = x.data;
    const start = x.offset;
    const end = start + rows * cols;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let i = start;
    for (; i + 3 < end; i += 4) {
      t0 += 0 * d[i];
      t1 += 0 * d[i + 1];
      t2 += 0 * d[i + 2];
      t3 += 0 * d[i + 3];
    }
    for (; i < end; i++) t0 += 0 * d[i];
    if (t0 + t1 + t2 + t3 === 0) return mean;
  }
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = x.data[x.offset + i * s0 + j * s1];
      if (!Number.isFinite(v))
        throw new RangeError(
          `${op}: the inputs x contain a non-finite value: x[${i}, ${j}] = ${v}`,
        );
    }
  return mean;
}

/** Whether `w[j, p] = 0` for every p > j. */
function lowerTriangular(w: Matrix): boolean {
  const [rows, cols] = w.shape;
  const [s0, s1] = w.stride;
  const d = w.data;
  for (let j = 0; j < rows; j++) {
    const o = w.offset + j * s0;
    for (let p = j + 1; p < cols; p++) if (d[o + p * s1] !== 0) return false;
  }
  return true;
}
