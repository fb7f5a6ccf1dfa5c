import type { Key, Matrix, Vector } from '@mtrl/tensors';

/**
 * A fitted probe: anything that scores features. The predicted label of a row is the sign of
 * its score, with `sign(0) = +1` (see `predict`). `predict`, `score`, `decisionFunction` and
 * `evaluateDownstream` accept any Predictor.
 *
 * The optional fields report an iterative fit; `evaluateDownstream` copies them into its
 * result (a predictor without them counts as converged).
 */
export interface Predictor {
  /** Scores of features `[n, p]`: a Vector `[n]` (float32 or float64). */
  decision(features: Matrix): Vector;
  /** Whether the fit reached its tolerance. */
  readonly converged?: boolean;
  /** Solver iterations taken. */
  readonly iterations?: number;
  /** Gradient norm of the fit's objective at the answer. */
  readonly gradNorm?: number;
}

/** Extra per-fit settings a probe may read; the built-in probes take none. */
export type ProbeFitOptions = Readonly<Record<string, unknown>>;

/**
 * A probe: hyperparameters fixed when it is made, data given to `fit`, a {@link Predictor}
 * back (scikit-learn's estimator, as a plain object). `evaluateDownstream(key, { probe })`
 * fits it on frozen features of the training sample and scores it on the test sample.
 *
 * @example
 * const nearestCentroid: Probe = {
 *   name: 'nearest-centroid',
 *   fit(key, x, y) {
 *     // ... means of the two classes, then:
 *     return { decision: (f) => ... }; // distance to the -1 centre minus distance to the +1 centre
 *   },
 * };
 */
export interface Probe<P extends Predictor = Predictor> {
  /** A short name for tables and logs. */
  readonly name: string;
  /**
   * Fits the probe.
   * @param key - randomness for the fit (the built-in probes are deterministic and ignore it)
   * @param features - `[n, p]`, finite
   * @param y - labels `[n]`, each -1 or +1
   * @param opts - extra settings, if the probe reads any
   */
  fit(key: Key, features: Matrix, y: Vector, opts?: ProbeFitOptions): P;
}

/** Whether `value` is a {@link Probe} (an object with a `fit` function). */
export function isProbe(value: unknown): value is Probe {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { fit?: unknown }).fit === 'function'
  );
}
