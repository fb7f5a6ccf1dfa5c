// The linear system behind both probes: (lambda I_p + B^T B) x = rhs for B: [n, p]. Features
// often outnumber samples (p = m = 256 neurons, n = 200 samples), so the solve switches to the
// n x n dual form by the Woodbury identity when p > n:
//   (lambda I + B^T B)^{-1} r = (r - B^T (lambda I_n + B B^T)^{-1} B r) / lambda.

import {
  type Matrix,
  matmul,
  matvec,
  NotPositiveDefiniteError,
  solveSymmetricPositive,
} from '@mtrl/tensors';
import { f64Vector } from './_f64.js';

/** Solves `(lambda I + B^T B) x = rhs`; B is `[n, p]` float64, rhs has length p. @internal */
export function regularizedSolve(
  b: Matrix<'float64'>,
  rhs: Float64Array,
  lambda: number,
): Float64Array {
  const [n, p] = b.shape;
  const r = f64Vector(rhs);
  if (p > n && lambda > 0) {
    const k = matmul(b, b, { transB: true }); // [n, n]
    addDiagonal(k, lambda);
    const u = solveWithJitter(k, matvec(b, r).data);
    const back = matvec(b, f64Vector(u), { transA: true }).data;
    const x = new Float64Array(p);
    for (let j = 0; j < p; j++) x[j] = (rhs[j] - back[j]) / lambda;
    return x;
  }
  const g = matmul(b, b, { transA: true }); // [p, p]
  addDiagonal(g, lambda);
  return solveWithJitter(g, rhs);
}

function addDiagonal(a: Matrix<'float64'>, v: number): void {
  const k = a.shape[0];
  for (let i = 0; i < k; i++) a.data[i * k + i] += v;
}

// Without a ridge (lambda = 0), B^T B can be singular; then a tiny ridge, growing a hundredfold
// per failure, is added so the step is still defined. The callers check the gradient, so such a
// step is never trusted blindly.
function solveWithJitter(a: Matrix<'float64'>, rhs: Float64Array): Float64Array {
  const k = a.shape[0];
  let trace = 0;
  for (let i = 0; i < k; i++) trace += a.data[i * k + i];
  const base = 1e-12 * (trace / Math.max(1, k) || 1);
  const b = f64Vector(rhs);
  let added = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return solveSymmetricPositive(a, b).data;
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError) || attempt >= 8) throw e;
      const next = added === 0 ? base : added * 100;
      addDiagonal(a, next - added);
      added = next;
    }
  }
}
