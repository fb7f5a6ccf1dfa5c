import { batchKey, sampleTaskInto } from '@mtrl/tasks';
import {
  checkInt,
  frobeniusNorm,
  type Key,
  matmul,
  matvec,
  normal,
  normalizeRows,
  rangeError,
  splitNamed,
  svdThin,
  typeError,
  zeros,
} from '@mtrl/tensors';
import { checkSetup, represent } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/** Options for {@link methodOfMoments}. */
export interface MethodOfMomentsOptions {
  /** Samples per task for its moment m_t, >= 1; default `n1 + n2` (the multi-task budget per round). */
  samples?: number;
  /**
   * Number of eigenvectors kept: an integer in [1, d], or `'auto'` to keep those whose
   * eigenvalue exceeds the noise edge (see {@link methodOfMoments}); default r (the method is
   * told the true rank).
   */
  rank?: number | 'auto';
}

/**
 * With `rank: 'auto'`, eigenvalues of `sum_t m_t m_t^T` count as signal above this multiple of
 * the Marchenko-Pastur edge of pure noise.
 */
export const MOMENT_EDGE_MARGIN = 1.5;

/**
 * The linear multi-task representation (docs: Specification, 'Baselines'), a method-of-moments
 * estimator: for each task t, `m_t = (1/n) sum_i y_i x_i` over n fresh samples; the subspace
 * estimate V (`[k, d]`, orthonormal rows) is the top-k eigenvectors of `sum_t m_t m_t^T`, computed
 * as the top right singular vectors of the `[T, d]` matrix of moments. For a halfspace task on
 * Gaussian inputs `E[y x] = sqrt(2/pi) M^T v_t`, so V recovers span(M^T) once T >= r; for xor or
 * parity tasks `E[y x] = 0` and it recovers nothing.
 * Features, chosen to match the other methods: m neurons with rows `U V`, U `[m, k]` with
 * rows uniform on the unit sphere of R^k (so the rows of W are unit vectors in span(V^T)), zero
 * biases, read out by the same probe feature map with fresh biases.
 * `rank: 'auto'` estimates k instead of being told r: each entry of a moment is a mean of n
 * terms `y_i x_ij` whose variance is at most `s^2 = mean(x_ij^2)` (measured on the batches), so
 * moments without signal form a `[T, d]` matrix of entries of variance `s^2 / n`, whose top
 * eigenvalue of `M M^T` is about `(s^2 / n) (sqrt(T) + sqrt(d))^2` (the Marchenko-Pastur edge).
 * The eigenvalues above `MOMENT_EDGE_MARGIN` times that edge are kept (at least one; the
 * threshold is returned as `eigenvalueThreshold`): r of them for halfspace tasks with enough
 * samples, and none but the forced one for xor or parity tasks.
 * Sample keys: task t's batch is `batchKey(moments, 0, t, 'moments')` with
 * `{ run, features } = splitNamed(key, ['run', 'features'])` and
 * `{ moments, directions } = splitNamed(run, ['moments', 'directions'])`.
 * @param key - the key
 * @param setup - `{ gt, suite, config, inputs?, features? }`; `config.m`, `n1`, `n2` matter
 * @param opts - `{ samples?, rank? }`
 * @returns the representation (float64), with the top-k eigenvalues of `sum_t m_t m_t^T` (and
 *   `eigenvalueThreshold` with `rank: 'auto'`)
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config, an empty suite, or samples / rank out of range
 * @example
 * const rep = methodOfMoments(key(2), { gt, suite, config });
 * subspaceEnergy(rep.layer.w, gt); // returns about 0.95 for halfspace tasks
 */
export function methodOfMoments(
  key: Key,
  setup: BaselineSetup,
  opts: MethodOfMomentsOptions = {},
): Representation {
  const op = 'methodOfMoments';
  const c = checkSetup(op, key, setup);
  const { gt, suite } = setup;
  const d = gt.d;
  const n = checkInt(op, 'opts.samples', opts.samples ?? c.config.n1 + c.config.n2, { min: 1 });
  const auto = opts.rank === 'auto';
  const asked = auto ? 1 : checkRank(op, opts.rank ?? gt.r, d);
  const T = suite.tasks.length;
  const { moments: kMoments, directions: kDirections } = splitNamed(c.run, [
    'moments',
    'directions',
  ] as const);
  const inputs = setup.inputs ?? { kind: 'gaussian' };
  // Row t holds m_t = X_t^T y_t / n.
  const moments = zeros([Math.max(T, asked), d] as const);
  // One sample buffer for every task (the same batches as sampleTask, bit for bit).
  const batch = { x: zeros([n, d] as const), y: zeros([n] as const) };
  const { x, y } = batch;
  let squares = 0;
  suite.tasks.forEach((task, t) => {
    sampleTaskInto(batchKey(kMoments, 0, t, 'moments'), task, gt, inputs, batch);
    const sum = matvec(x, y, { transA: true }).data;
    for (let j = 0; j < d; j++) moments.data[t * d + j] = sum[j] / n;
    if (auto) squares += frobeniusNorm(x) ** 2;
  });
  // Rows beyond T (when T < k) stay zero: their singular vectors are an arbitrary completion.
  const { s, v } = svdThin(moments);
  const threshold = auto
    ? (MOMENT_EDGE_MARGIN * (squares / (T * n * d)) * (Math.sqrt(T) + Math.sqrt(d)) ** 2) / n
    : undefined;
  const k =
    threshold === undefined
      ? asked
      : Math.max(1, Array.from(s.data).filter((sv) => sv * sv > threshold).length);
  const basis = zeros([k, d] as const);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) basis.data[i * d + j] = v.data[j * v.shape[1] + i];
  }
  const u = normalizeRows(normal(kDirections, [c.config.m, k] as const));
  const w = matmul(u, basis);
  const eigenvalues = Array.from(s.data.subarray(0, k), (sv) => sv * sv);
  return represent(
    op,
    key,
    c,
    { w, b: zeros([c.config.m] as const) },
    threshold === undefined ? { eigenvalues } : { eigenvalues, eigenvalueThreshold: threshold },
  );
}

function checkRank(op: string, rank: unknown, d: number): number {
  const expected = `an integer in [1, ${d}] or 'auto'`;
  if (typeof rank !== 'number' && typeof rank !== 'string')
    typeError(op, 'opts.rank', expected, rank);
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1 || rank > d)
    rangeError(op, 'opts.rank', expected, rank);
  return rank;
}
