import type { Layer } from '@mtrl/network';
import { batchKey, type GroundTruth, projectionBasis } from '@mtrl/tasks';
import {
  cholesky,
  copyInto,
  type DType,
  eighSymmetric,
  gemmInto,
  type Key,
  type Matrix,
  NotPositiveDefiniteError,
  normalInto,
  sliceCols,
  sliceRows,
  zeros,
} from '@mtrl/tensors';

/**
 * How a round turns the layer into what its tasks see, and the task-order sum of their
 * gradient buffers into the layer gradient `[m, d]`. @internal
 */
export interface RoundSampler<D extends DType> {
  /** Columns of each task's gradient buffer. */
  readonly gradCols: number;
  /** The layer the tasks of round `round` run on. */
  taskLayer(round: number, layer: Layer<D>): Layer<D>;
  /** The layer gradient `[m, d]` from the sum of the tasks' buffers (`acc: [m, gradCols]`). */
  layerGradient(round: number, acc: Matrix<D>): Matrix<D>;
}

/** The explicit sampler: tasks see W and return their `[m, d]` gradients. @internal */
export function explicitRounds<D extends DType>(d: number): RoundSampler<D> {
  return { gradCols: d, taskLayer: (_, layer) => layer, layerGradient: (_, acc) => acc };
}

/** What the projected sampler needs of a run. @internal */
export interface ProjectedRun {
  readonly gt: GroundTruth;
  /** Standard deviation of the inputs' Gaussian part (1 for gaussian, s for mixture). */
  readonly noiseStd: number;
  readonly m: number;
  readonly k: number;
  /** Whether the basis leaves part of R^d out (k < d) and that part carries noise. */
  readonly noise: boolean;
  readonly dtype: DType;
  /** The run's data key: the round's Gaussian matrix is `batchKey(data, round, 0, 'projected-noise')`. */
  readonly dataKey: Key;
}

/**
 * The projected sampler's rounds (docs: Specification, 'The projected sampler'). Each round
 * takes an orthonormal basis B (`[k, d]`) of the rows of W and M (`projectionBasis`, once per
 * round: W changes only between rounds) and gives the tasks `[W B^T; M B^T]` (`[m + r, k]`).
 * The tasks' buffers sum (in task order) to `[Σ C'^T U | Σ C'^T C']`, with C' each task's
 * `(weight / n2) (Z > 0) ⊙ (g a^T)`, and the layer gradient is
 *
 *     G = (Σ C'^T U) B + s L Γ (I - B^T B),   L L^T = Σ C'^T C'
 *
 * where Γ (`[m, d]`) is standard normal, from a key of the round, and s the standard deviation
 * of the inputs' Gaussian part: given the tasks' samples in the basis, the explicit sampler's
 * Σ C'^T X has exactly this law. It is formed as `G = N + (Σ C'^T U - N B^T) B` with
 * `N = s L Γ`: three products of sizes m m d, m d k and m k d. Buffers are made once per run.
 * @internal
 */
export function projectedRounds<D extends DType>(run: ProjectedRun): RoundSampler<D> {
  const { gt, m, k, noise, noiseStd } = run;
  const { r, d } = gt;
  const dtype = run.dtype as D;
  const complete = k >= d;
  const coords: Matrix<D> = zeros([m + r, k] as const, { dtype });
  const basis: Matrix<D> | undefined = complete ? undefined : zeros([k, d] as const, { dtype });
  // projectionBasis writes B here (float64): a fresh [k, d] matrix every round would cost more
  // in first-touch page faults than the products at large d.
  const basis64 = complete || dtype === 'float64' ? undefined : zeros([k, d] as const);
  const grad: Matrix<D> | undefined = complete ? undefined : zeros([m, d] as const, { dtype });
  const gamma: Matrix<D> | undefined = noise ? zeros([m, d] as const, { dtype }) : undefined;
  const lower: Matrix<D> | undefined = noise ? zeros([m, m] as const, { dtype }) : undefined;
  const inner: Matrix<D> | undefined = noise ? zeros([m, k] as const, { dtype }) : undefined;
  return {
    gradCols: k + (noise ? m : 0),
    taskLayer(_, layer) {
      const into = (basis64 ?? basis) as Matrix<'float64'> | undefined;
      const pb = projectionBasis(gt, layer.w, into === undefined ? {} : { basis: into });
      copyInto(sliceRows(coords, 0, m), pb.wInBasis);
      copyInto(sliceRows(coords, m, m + r), pb.mInBasis);
      // float64 to float32 in one typed-array copy (both contiguous).
      if (basis !== undefined && basis64 !== undefined) basis.data.set(basis64.data);
      return { w: coords, b: layer.b };
    },
    layerGradient(round, acc) {
      // B is the identity: the tasks' C'^T U is C'^T X, the whole gradient.
      if (basis === undefined || grad === undefined) return acc;
      const reduced = sliceCols(acc, 0, k);
      if (gamma === undefined || lower === undefined || inner === undefined) {
        // No Gaussian part outside the basis (mixture inputs with s = 0).
        gemmInto(grad, reduced, basis);
        return grad;
      }
      for (let i = 0; i < acc.data.length; i++)
        if (!Number.isFinite(acc.data[i])) {
          // A diverged round: let the non-finite gradient reach the layer, where it is reported.
          grad.data.fill(Number.NaN);
          return grad;
        }
      copyInto(lower, psdFactor(sliceCols(acc, k, k + m)));
      normalInto(batchKey(run.dataKey, round, 0, 'projected-noise'), gamma);
      gemmInto(grad, lower, gamma, { alpha: noiseStd });
      copyInto(inner, reduced);
      gemmInto(inner, grad, basis, { transB: true, alpha: -1, beta: 1 });
      gemmInto(grad, inner, basis, { beta: 1 });
      return grad;
    },
  };
}

/**
 * A factor L (`[m, m]`, float64) with `L L^T = s` for a symmetric positive semi-definite s.
 * Units whose diagonal entry is exactly 0 (their C' column is zero in every task: dead units,
 * zero head entries) get zero rows; the rest is a Cholesky factor, or, when that is singular to
 * working precision (dependent columns), V diag(sqrt(max(lambda, 0))) from an eigendecomposition.
 */
function psdFactor(s: Matrix): Matrix<'float64'> {
  const m = s.shape[0];
  const at = (i: number, j: number) => s.data[s.offset + i * s.stride[0] + j * s.stride[1]];
  const live: number[] = [];
  for (let j = 0; j < m; j++) if (at(j, j) > 0) live.push(j);
  const p = live.length;
  const sub = zeros([p, p] as const);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++)
      sub.data[a * p + b] = (at(live[a], live[b]) + at(live[b], live[a])) / 2;
  let factor: Matrix<'float64'>;
  try {
    factor = p > 0 ? cholesky(sub) : sub;
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
    const { values, vectors } = eighSymmetric(sub);
    factor = zeros([p, p] as const);
    for (let b = 0; b < p; b++) {
      const root = Math.sqrt(Math.max(values.data[b], 0));
      for (let a = 0; a < p; a++) factor.data[a * p + b] = vectors.data[a * p + b] * root;
    }
  }
  const out = zeros([m, m] as const);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) out.data[live[a] * m + live[b]] = factor.data[a * p + b];
  return out;
}
