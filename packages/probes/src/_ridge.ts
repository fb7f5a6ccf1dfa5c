// Ridge regression on the labels, in closed form. Objective, with an unpenalised intercept:
//   F(w, b) = (1 / (2n)) sum_i (y_i - <x_i, w> - b)^2 + (l2 / 2) |w|^2
// Centring X and y removes b: (l2 I + Xc^T Xc / n) w = Xc^T yc / n, b = mean(y) - <mean(x), w>.

import { type Matrix, matvec } from '@mtrl/tensors';
import { f64Matrix, f64Vector } from './_f64.js';
import type { Solution } from './_logistic.js';
import { regularizedSolve } from './_regularizedSolve.js';

/** Settings the caller has validated. @internal */
export interface RidgeSettings {
  l2: number;
  fitIntercept: boolean;
  tol: number;
}

/** Fits the ridge probe on `x: [n, p]` (float64, finite) and labels `y`. @internal */
export function fitRidge(x: Matrix<'float64'>, y: Float64Array, s: RidgeSettings): Solution {
  const [n, p] = x.shape;
  const xm = new Float64Array(p);
  let ym = 0;
  if (s.fitIntercept) {
    for (let i = 0; i < n; i++) {
      ym += y[i];
      for (let j = 0; j < p; j++) xm[j] += x.data[i * p + j];
    }
    ym /= n;
    for (let j = 0; j < p; j++) xm[j] /= n;
  }
  const scale = 1 / Math.sqrt(n);
  const bData = new Float64Array(n * p);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    yc[i] = (y[i] - ym) * scale;
    for (let j = 0; j < p; j++) bData[i * p + j] = (x.data[i * p + j] - xm[j]) * scale;
  }
  const bm = f64Matrix(bData, n, p);
  const rhs = matvec(bm, f64Vector(yc), { transA: true }).data;
  const w = regularizedSolve(bm, rhs, s.l2);
  let b = ym;
  for (let j = 0; j < p; j++) b -= xm[j] * w[j];
  // Report the objective and the gradient norm it actually reaches.
  const f = matvec(x, f64Vector(w)).data;
  const res = new Float64Array(n);
  let loss = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    res[i] = y[i] - f[i] - b;
    loss += res[i] * res[i];
    gb -= res[i];
  }
  const gw = matvec(x, f64Vector(res), { transA: true }).data;
  let ww = 0;
  let norm2 = s.fitIntercept ? (gb / n) ** 2 : 0;
  for (let j = 0; j < p; j++) {
    const gj = -gw[j] / n + s.l2 * w[j];
    norm2 += gj * gj;
    ww += w[j] * w[j];
  }
  const gradNorm = Math.sqrt(norm2);
  return {
    weights: w,
    intercept: b,
    objective: loss / (2 * n) + 0.5 * s.l2 * ww,
    gradNorm,
    iterations: 1,
    status: gradNorm <= s.tol ? 'converged' : 'inaccurate',
  };
}
