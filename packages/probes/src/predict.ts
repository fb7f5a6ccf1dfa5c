import { assertTensor, formatValue, type Matrix, type Vector } from '@mtrl/tensors';
import { isLinear, linearDecision, linearScores } from './_linear.js';
import { assertFinite } from './_validate.js';
import type { Predictor } from './probe.js';

/**
 * The probe's scores: `<x_i, weights> + intercept` for a linear probe (log-odds of label +1 for
 * a logistic one), `probe.decision(x)` for any other {@link Predictor}.
 * @param probe - a fitted probe: a `LinearProbe` from `fitLinearProbe` or any Predictor
 * @param x - features `[n, p]`, float32 or float64
 * @returns `[n]` float64, a new vector
 * @throws {TypeError} when probe is not a Predictor, x is not a Matrix, or the predictor's
 *   decision is not a Vector
 * @throws {RangeError} when x does not have the probe's p columns or has a NaN or infinite
 *   entry, or the decision has the wrong length or a NaN entry
 * @example
 * const probe = fitLinearProbe(fromArray([[0], [1], [3], [4]]), fromArray([-1, -1, 1, 1]));
 * decisionFunction(probe, fromArray([[2]])).data[0]; // returns about 0 (the boundary)
 */
export function decisionFunction(probe: Predictor, x: Matrix): Vector<'float64'> {
  return scores('decisionFunction', probe, x);
}

/** Scores with errors named after `op`. @internal */
export function scores(op: string, probe: Predictor, x: Matrix): Vector<'float64'> {
  const decision = (probe as Partial<Predictor> | null)?.decision;
  // A fitted LinearProbe (or a copy of one, which loses the non-enumerable method).
  if ((decision === undefined || decision === linearDecision) && isLinear(probe)) {
    return linearScores(op, probe, x);
  }
  if (typeof decision !== 'function') {
    throw new TypeError(
      `${op}: probe must be a Predictor (an object with decision(features)), such as a LinearProbe from fitLinearProbe, got ${formatValue(probe)}`,
    );
  }
  assertTensor(op, 'x', x, 2);
  assertFinite(op, 'x', x);
  const n = x.shape[0];
  const f: unknown = decision.call(probe, x);
  assertTensor(op, "the probe's decision(x)", f, 1);
  const v = f as Vector;
  if (v.shape[0] !== n) {
    throw new RangeError(
      `${op}: the probe's decision(x) has shape [${v.shape[0]}], expected [${n}] (one score per row of x)`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = v.data[v.offset + i * v.stride[0]];
    if (Number.isNaN(s)) {
      throw new RangeError(`${op}: the probe's decision(x) must not be NaN, got NaN at [${i}]`);
    }
    out[i] = s;
  }
  return { dtype: 'float64', shape: [n], stride: [1], offset: 0, data: out };
}

/**
 * Predicted labels: the sign of the probe's scores (see {@link decisionFunction}), with
 * `sign(0) = +1` as everywhere in mtrl, so every prediction is -1 or +1.
 * @param probe - a fitted probe: a `LinearProbe` from `fitLinearProbe` or any Predictor
 * @param x - features `[n, p]`, float32 or float64
 * @returns `[n]` float64 of -1 and +1
 * @throws {TypeError} when probe is not a Predictor or x is not a Matrix
 * @throws {RangeError} when x does not have p columns or has a NaN or infinite entry
 * @example
 * const probe = fitLinearProbe(fromArray([[0], [1], [3], [4]]), fromArray([-1, -1, 1, 1]));
 * toArray(predict(probe, fromArray([[0.5], [3.5]]))); // returns [-1, 1]
 */
export function predict(probe: Predictor, x: Matrix): Vector<'float64'> {
  return labels('predict', probe, x);
}

/** Predicted labels with errors named after `op`. @internal */
export function labels(op: string, probe: Predictor, x: Matrix): Vector<'float64'> {
  const f = scores(op, probe, x);
  for (let i = 0; i < f.data.length; i++) f.data[i] = f.data[i] >= 0 ? 1 : -1;
  return f;
}
