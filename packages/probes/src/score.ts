import type { Matrix, Vector } from '@mtrl/tensors';
import { labelVector } from './_validate.js';
import { labels } from './predict.js';
import type { Predictor } from './probe.js';

/**
 * Accuracy of a probe: the fraction of samples whose predicted label equals y.
 * @param probe - a fitted probe: a `LinearProbe` from `fitLinearProbe` or any Predictor
 * @param x - features `[n, p]`, float32 or float64, n >= 1
 * @param y - labels `[n]`, each -1 or +1
 * @returns accuracy in [0, 1]
 * @throws {TypeError} when probe is not a Predictor, or x or y is not a tensor
 * @throws {RangeError} when the shapes disagree, n = 0, a label is not ±1, or x has a NaN or
 *   infinite entry
 * @example
 * const x = fromArray([[0], [1], [3], [4]]);
 * const y = fromArray([-1, -1, 1, 1]);
 * score(fitLinearProbe(x, y), x, y); // returns 1
 */
export function score(probe: Predictor, x: Matrix, y: Vector): number {
  const op = 'score';
  const pred = labels(op, probe, x);
  const n = pred.shape[0];
  if (n < 1) throw new RangeError(`${op}: x must have at least one row`);
  const ys = labelVector(op, 'y', y, n);
  let hits = 0;
  for (let i = 0; i < n; i++) if (pred.data[i] === ys[i]) hits++;
  return hits / n;
}
