// The scores of a fitted linear probe, shared by `decisionFunction` and the probe's own
// `decision` method (which `predict` recognises, so a LinearProbe keeps its fast, checked path).

import { assertTensor, type Matrix, matvec, type Vector } from '@mtrl/tensors';
import { finiteMatrix } from './_validate.js';
import type { LinearProbe } from './fitLinearProbe.js';

/** The data a linear probe's scores need. @internal */
export type LinearWeights = Pick<LinearProbe, 'weights' | 'intercept'>;

/** Whether `probe` carries linear weights `[p]` and a numeric intercept. @internal */
export function isLinear(probe: unknown): probe is LinearWeights {
  const p = probe as Partial<LinearWeights> | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    typeof p.intercept === 'number' &&
    p.weights !== undefined
  );
}

/** `<x_i, weights> + intercept` for features `[n, p]`, errors named after `op`. @internal */
export function linearScores(op: string, probe: LinearWeights, x: Matrix): Vector<'float64'> {
  assertTensor(op, 'probe.weights', probe.weights, 1);
  const xs = finiteMatrix(op, 'x', x);
  const p = probe.weights.shape[0];
  if (xs.shape[1] !== p) {
    throw new RangeError(
      `${op}: x has shape [${xs.shape.join(', ')}], expected [n, ${p}] (the probe has ${p} weights)`,
    );
  }
  const w = probe.weights;
  const f = matvec(xs, w.dtype === 'float64' ? w : toF64(w));
  for (let i = 0; i < f.data.length; i++) f.data[i] += probe.intercept;
  return f;
}

/**
 * The `decision` method of every fitted linear probe: its scores. Attached non-enumerably, so
 * the fitted probe stays plain data (it clones and serialises as before). @internal
 */
export function linearDecision(this: LinearWeights, features: Matrix): Vector<'float64'> {
  return linearScores('LinearProbe.decision', this, features);
}

function toF64(v: Vector): Vector<'float64'> {
  const out = new Float64Array(v.shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = v.data[v.offset + i * v.stride[0]];
  return { dtype: 'float64', shape: [out.length], stride: [1], offset: 0, data: out };
}
