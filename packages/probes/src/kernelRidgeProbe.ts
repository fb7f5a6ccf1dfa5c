import {
  assertKey,
  checkNumber,
  checkObject,
  checkOneOf,
  type Matrix,
  matmul,
  matvec,
  solveSymmetricPositive,
  type Vector,
} from '@mtrl/tensors';
import { f64Matrix, f64Vector } from './_f64.js';
import { finiteMatrix, labelVector } from './_validate.js';
import type { Predictor, Probe } from './probe.js';

/** Hyperparameters of {@link kernelRidgeProbe}. */
export interface KernelRidgeOptions {
  /** The kernel; only `'rbf'`, `k(a, b) = exp(-gamma |a - b|^2)`, for now (the default). */
  readonly kernel?: 'rbf';
  /** RBF width, `> 0`; default `1 / p` for p features. */
  readonly gamma?: number;
  /** The ridge added to the kernel matrix's diagonal, `> 0`. */
  readonly l2: number;
}

/** A fitted kernel ridge probe: scores `sum_i alpha_i k(x, x_i)`. */
export interface KernelRidgePredictor extends Predictor {
  readonly kind: 'kernel-ridge';
  readonly kernel: 'rbf';
  /** The RBF width used (the default resolved). */
  readonly gamma: number;
  readonly l2: number;
  /** The training features `[n, p]` (a float64 copy). */
  readonly support: Matrix<'float64'>;
  /** Dual coefficients `[n]`, the solution of `(K + l2 I) alpha = y`. */
  readonly alpha: Vector<'float64'>;
  /** `|(K + l2 I) alpha - y|`, the gradient norm of the dual objective at alpha. */
  readonly gradNorm: number;
  /** Always 1: a direct (Cholesky) solve. */
  readonly iterations: number;
  /** True when gradNorm is at most `1e-6 * max(1, |y|)`. */
  readonly converged: boolean;
  /** Scores `k(x, support) alpha` of features `[q, p]`: `[q]` float64. */
  decision(features: Matrix): Vector<'float64'>;
}

/**
 * Kernel ridge regression on the ±1 labels with an RBF kernel, as a {@link Probe}: with
 * `K_ij = exp(-gamma |x_i - x_j|^2)` over the n training rows, `fit` solves
 * `(K + l2 I) alpha = y` by Cholesky factorisation, and the score of a new x is
 * `sum_i alpha_i exp(-gamma |x - x_i|^2)` (scikit-learn's `KernelRidge`, no intercept). A
 * non-linear probe: it separates xor-like labels a linear probe cannot. Costs n^2 p to fit and
 * n^2 memory, so keep nTrain in the thousands. Computes in float64; the key is not used.
 *
 * @param opts - `{ kernel?: 'rbf', gamma?, l2 }`
 * @returns a probe named `'kernel-ridge'` whose fit returns a {@link KernelRidgePredictor}
 * @throws {TypeError} when opts is not an object or an option has the wrong type
 * @throws {RangeError} when l2 or gamma is not a finite number > 0, or the kernel is unknown
 * @example
 * const probe = kernelRidgeProbe({ l2: 1e-3 });
 * const fitted = probe.fit(key(0), x, y);
 * score(fitted, xTest, yTest);
 */
export function kernelRidgeProbe(opts: KernelRidgeOptions): Probe<KernelRidgePredictor> {
  const op = 'kernelRidgeProbe';
  const o = checkObject<KernelRidgeOptions>(op, 'opts', opts);
  const kernel = checkOneOf(op, 'opts.kernel', o.kernel ?? 'rbf', ['rbf'] as const);
  const l2 = checkNumber(op, 'opts.l2', o.l2, { minExclusive: 0 });
  const gammaOpt =
    o.gamma === undefined ? undefined : checkNumber(op, 'opts.gamma', o.gamma, { minExclusive: 0 });
  return {
    name: 'kernel-ridge',
    fit(key, features, y) {
      const fop = 'kernelRidgeProbe.fit';
      assertKey(fop, key);
      const x = finiteMatrix(fop, 'features', features);
      const [n, p] = x.shape;
      if (n < 1) throw new RangeError(`${fop}: features must have at least one row, got [0, ${p}]`);
      const ys = labelVector(fop, 'y', y, n);
      const gamma = gammaOpt ?? 1 / Math.max(1, p);
      const support = f64Matrix(Float64Array.from(x.data.subarray(0, n * p)), n, p);
      const sq = rowSquares(support);
      const k = rbf(support, sq, support, sq, gamma);
      // Exactly symmetric (the GEMM may round k_ij and k_ji differently), with the ridge.
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) k.data[j * n + i] = k.data[i * n + j];
        k.data[i * n + i] += l2;
      }
      const alpha = solveSymmetricPositive(k, f64Vector(ys));
      const fit = matvec(k, alpha).data;
      let res = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        const r = fit[i] - ys[i];
        res += r * r;
        yy += ys[i] * ys[i];
      }
      const gradNorm = Math.sqrt(res);
      const fitted = {
        kind: 'kernel-ridge' as const,
        kernel,
        gamma,
        l2,
        support,
        alpha,
        gradNorm,
        iterations: 1,
        converged: gradNorm <= 1e-6 * Math.max(1, Math.sqrt(yy)),
      };
      const decision = (f: Matrix): Vector<'float64'> => {
        const dop = 'KernelRidgePredictor.decision';
        const q = finiteMatrix(dop, 'features', f);
        if (q.shape[1] !== p) {
          throw new RangeError(
            `${dop}: features have shape [${q.shape.join(', ')}], expected [n, ${p}] (the probe was fitted on ${p} features)`,
          );
        }
        return matvec(rbf(q, rowSquares(q), support, sq, gamma), alpha);
      };
      Object.defineProperty(fitted, 'decision', { value: decision, enumerable: false });
      return fitted as KernelRidgePredictor;
    },
  };
}

function rowSquares(x: Matrix<'float64'>): Float64Array {
  const [n, p] = x.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = x.data[i * p + j];
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

// exp(-gamma |a_i - b_j|^2) for a: [q, p] and b: [n, p] (contiguous float64), from
// |a|^2 + |b|^2 - 2 a b^T, clamped at 0 against rounding.
function rbf(
  a: Matrix<'float64'>,
  aSq: Float64Array,
  b: Matrix<'float64'>,
  bSq: Float64Array,
  gamma: number,
): Matrix<'float64'> {
  const g = matmul(a, b, { transB: true });
  const [q, n] = g.shape;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < n; j++) {
      const d2 = aSq[i] + bSq[j] - 2 * g.data[i * n + j];
      g.data[i * n + j] = Math.exp(-gamma * Math.max(d2, 0));
    }
  }
  return g;
}
