// L2-regularised logistic regression by Newton's method with a backtracking (Armijo) line
// search. Objective, with margins f_i = <x_i, w> + b and an unpenalised intercept b:
//   F(w, b) = (1/n) sum_i log(1 + exp(-y_i f_i)) + (l2 / 2) |w|^2
// Gradient: (X^T g / n + l2 w, mean g) with g_i = -y_i sigma(-y_i f_i).
// Hessian:  [X 1]^T diag(s / n) [X 1] + diag(l2 I, 0) with s_i = sigma(f_i) sigma(-f_i).

import { type Matrix, matvec } from '@mtrl/tensors';
import { f64Matrix, f64Vector } from './_f64.js';
import { regularizedSolve } from './_regularizedSolve.js';

/** What the solver returns before it is wrapped into a LinearProbe. @internal */
export interface Solution {
  weights: Float64Array;
  intercept: number;
  objective: number;
  gradNorm: number;
  iterations: number;
  status: 'converged' | 'maxIter' | 'lineSearch' | 'inaccurate';
}

/** Settings the caller has validated. @internal */
export interface LogisticSettings {
  l2: number;
  fitIntercept: boolean;
  tol: number;
  maxIter: number;
}

// log(1 + exp(-t)), stable for any t.
function softplusNeg(t: number): number {
  return t > 0 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
}

// 1 / (1 + exp(t)), stable for any t.
function sigmoidNeg(t: number): number {
  if (t >= 0) {
    const e = Math.exp(-t);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(t));
}

function objective(y: Float64Array, f: Float64Array, w: Float64Array, l2: number): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) loss += softplusNeg(y[i] * f[i]);
  let ww = 0;
  for (let j = 0; j < w.length; j++) ww += w[j] * w[j];
  return loss / y.length + 0.5 * l2 * ww;
}

/** Fits the logistic probe on `x: [n, p]` (float64, finite) and labels `y` in {-1, +1}. @internal */
export function fitLogistic(x: Matrix<'float64'>, y: Float64Array, s: LogisticSettings): Solution {
  const [n, p] = x.shape;
  const w = new Float64Array(p);
  let b = 0;
  let f = new Float64Array(n); // margins X w + b
  let obj = objective(y, f, w, s.l2);
  const g = new Float64Array(n);
  const a = new Float64Array(n);
  let iterations = 0;
  let gradNorm = Number.POSITIVE_INFINITY;
  let status: Solution['status'] = 'maxIter';
  for (;;) {
    // Gradient and curvature at the current point.
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const sig = sigmoidNeg(y[i] * f[i]); // sigma(-y f)
      g[i] = -y[i] * sig;
      gb += g[i];
      a[i] = Math.sqrt((sig * (1 - sig)) / n);
    }
    gb = s.fitIntercept ? gb / n : 0;
    const gw = matvec(x, f64Vector(g), { transA: true }).data;
    let norm2 = gb * gb;
    for (let j = 0; j < p; j++) {
      gw[j] = gw[j] / n + s.l2 * w[j];
      norm2 += gw[j] * gw[j];
    }
    gradNorm = Math.sqrt(norm2);
    if (gradNorm <= s.tol) {
      status = 'converged';
      break;
    }
    if (iterations >= s.maxIter) {
      status = 'maxIter';
      break;
    }
    const { dw, db } = newtonDirection(x, a, gw, gb, s);
    // Armijo backtracking on F along (dw, db); margins move by t (X dw + db).
    const xd = matvec(x, f64Vector(dw)).data;
    let slope = gb * db;
    for (let j = 0; j < p; j++) slope += gw[j] * dw[j];
    const trialW = new Float64Array(p);
    const trialF = new Float64Array(n);
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 50 && slope < 0; k++, t *= 0.5) {
      for (let j = 0; j < p; j++) trialW[j] = w[j] + t * dw[j];
      for (let i = 0; i < n; i++) trialF[i] = f[i] + t * (xd[i] + db);
      const next = objective(y, trialF, trialW, s.l2);
      if (next <= obj + 1e-4 * t * slope) {
        w.set(trialW);
        b += t * db;
        f = Float64Array.from(trialF);
        obj = next;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // No decrease is possible in floating point along the Newton direction: report it.
      status = 'lineSearch';
      break;
    }
    iterations++;
  }
  return { weights: w, intercept: b, objective: obj, gradNorm, iterations, status };
}

// Solves the Newton system H (dw, db) = -(gw, gb). The intercept is eliminated first (a Schur
// complement): with A = diag(a) X, a_i = sqrt(s_i / n), u = A^T a and h = a^T a,
//   (l2 I + B^T B) dw = -gw + u gb / h,  B = A - a u^T / h,   db = -(gb + u . dw) / h.
function newtonDirection(
  x: Matrix<'float64'>,
  a: Float64Array,
  gw: Float64Array,
  gb: number,
  s: LogisticSettings,
): { dw: Float64Array; db: number } {
  const [n, p] = x.shape;
  const bData = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    for (let j = 0; j < p; j++) bData[i * p + j] = ai * x.data[i * p + j];
  }
  const rhs = new Float64Array(p);
  for (let j = 0; j < p; j++) rhs[j] = -gw[j];
  if (!s.fitIntercept) {
    return { dw: regularizedSolve(f64Matrix(bData, n, p), rhs, s.l2), db: 0 };
  }
  let h = 0;
  for (let i = 0; i < n; i++) h += a[i] * a[i];
  // All curvature has underflowed (every point fitted with a huge margin): keep h positive.
  h = Math.max(h, 1e-300);
  const u = matvec(f64Matrix(bData, n, p), f64Vector(a), {
    transA: true,
  }).data;
  for (let i = 0; i < n; i++) {
    const ai = a[i] / h;
    for (let j = 0; j < p; j++) bData[i * p + j] -= ai * u[j];
  }
  for (let j = 0; j < p; j++) rhs[j] += (u[j] * gb) / h;
  const dw = regularizedSolve(f64Matrix(bData, n, p), rhs, s.l2);
  let ud = 0;
  for (let j = 0; j < p; j++) ud += u[j] * dw[j];
  return { dw, db: -(gb + ud) / h };
}
