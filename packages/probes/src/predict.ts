import { assertTensor, type Matrix, matvec, type Vector } from '@mtrl/tensors';
import { finiteMatrix } from './_validate.js';
import type { LinearProbe } from './fitLinearProbe.js';

/** Checks a fitted probe and features `[n, p]` against each other. @internal */
export function checkProbeInput(op: string, probe: LinearProbe, x: Matrix): Matrix<'float64'> {
  if (probe === null || typeof probe !== 'object' || typeof probe.intercept !== 'number') {
    throw new TypeError(`${op}: probe must be a LinearProbe from fitLinearProbe`);
  }
  assertTensor(op, 'probe.weights', probe.weights, 1);
  const xs = finiteMatrix(op, 'x', x);
  const p = probe.weights.shape[0];
  if (xs.shape[1] !== p) {
    throw new RangeError(
      `${op}: x has shape [${xs.shape.join(', ')}], expected [n, ${p}] (the probe has ${p} weights)`,
    );
  }
  return xs;
}

/**
 * The probe's scores `<x_i, weights> + intercept` (log-odds of label +1 for a logistic probe).
 * @param probe - a fitted probe from `fitLinearProbe`
 * @param x - features `[n, p]`, float32 or float64
 * @returns `[n]` float64
 * @throws {TypeError} when probe or x is malformed
 * @throws {RangeError} when x does not have p columns or has a NaN or infinite entry
 * @example
 * const probe = fitLinearProbe(fromArray([[0], [1], [3], [4]]), fromArray([-1, -1, 1, 1]));
 * decisionFunction(probe, fromArray([[2]])).data[0]; // returns about 0 (the boundary)
 */
export function decisionFunction(probe: LinearProbe, x: Matrix): Vector<'float64'> {
  return scores('decisionFunction', probe, x);
}

/** Scores with errors named after `op`. @internal */
export function scores(op: string, probe: LinearProbe, x: Matrix): Vector<'float64'> {
  const xs = checkProbeInput(op, probe, x);
  const f = matvec(xs, probe.weights.dtype === 'float64' ? probe.weights : toF64(probe.weights));
  for (let i = 0; i < f.data.length; i++) f.data[i] += probe.intercept;
  return f;
}

/**
 * Predicted labels `sign(<x_i, weights> + intercept)`, with `sign(0) = +1` as everywhere in
 * mtrl, so every prediction is -1 or +1.
 * @param probe - a fitted probe from `fitLinearProbe`
 * @param x - features `[n, p]`, float32 or float64
 * @returns `[n]` float64 of -1 and +1
 * @throws {TypeError} when probe or x is malformed
 * @throws {RangeError} when x does not have p columns or has a NaN or infinite entry
 * @example
 * const probe = fitLinearProbe(fromArray([[0], [1], [3], [4]]), fromArray([-1, -1, 1, 1]));
 * toArray(predict(probe, fromArray([[0.5], [3.5]]))); // returns [-1, 1]
 */
export function predict(probe: LinearProbe, x: Matrix): Vector<'float64'> {
  return labels('predict', probe, x);
}

/** Predicted labels with errors named after `op`. @internal */
export function labels(op: string, probe: LinearProbe, x: Matrix): Vector<'float64'> {
  const f = scores(op, probe, x);
  for (let i = 0; i < f.data.length; i++) f.data[i] = f.data[i] >= 0 ? 1 : -1;
  return f;
}

function toF64(v: Vector): Vector<'float64'> {
  const out = new Float64Array(v.shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = v.data[v.offset + i * v.stride[0]];
  return { dtype: 'float64', shape: [out.length], stride: [1], offset: 0, data: out };
}
