import {
  checkBoolean,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  type Matrix,
  type Vector,
} from '@mtrl/tensors';
import { f64Vector } from './_f64.js';
import { linearDecision } from './_linear.js';
import { fitLogistic } from './_logistic.js';
import { fitRidge } from './_ridge.js';
import { finiteMatrix, labelVector } from './_validate.js';
import type { Predictor } from './probe.js';

/** Hyperparameters of {@link fitLinearProbe}. */
export interface LinearProbeOptions {
  /**
   * `'logistic'` (default): L2-regularised logistic regression, solved by Newton's method.
   * `'ridge'`: least squares on the ±1 labels with an L2 penalty, in closed form (cheaper, no
   * iterations).
   */
  kind?: 'logistic' | 'ridge';
  /**
   * Penalty `(l2 / 2) |w|^2` added to the mean loss, `>= 0`; default 1e-3. With more features
   * than samples the data are usually separable and `l2 = 0` has no minimiser (the solver then
   * reports `converged: false`).
   */
  l2?: number;
  /** Fit an unpenalised intercept b; default true. */
  fitIntercept?: boolean;
  /** Stop when the gradient norm of the objective is at most `tol`, `> 0`; default 1e-8. */
  tol?: number;
  /** Most Newton iterations (logistic only), an integer `>= 0`; default 100. */
  maxIter?: number;
}

/**
 * A fitted linear probe: scores `<x, weights> + intercept`, labels their sign. A
 * {@link Predictor}: its `decision` method (non-enumerable, so the probe stays plain data that
 * clones and serialises as before) gives the scores.
 */
export interface LinearProbe extends Predictor {
  readonly kind: 'logistic' | 'ridge';
  /** `[p]`, one weight per feature. */
  readonly weights: Vector<'float64'>;
  readonly intercept: number;
  /** The penalty it was fitted with. */
  readonly l2: number;
  /**
   * Final objective: mean logistic loss, or half the mean squared error, plus `(l2 / 2) |w|^2`.
   */
  readonly objective: number;
  /** Euclidean norm of the objective's gradient (in w and b) at the answer. */
  readonly gradNorm: number;
  /** Newton steps taken (1 for the closed-form ridge solve). */
  readonly iterations: number;
  /** True when `gradNorm <= tol`: a probe that did not converge says so, never silently. */
  readonly converged: boolean;
  /**
   * Why the solver stopped: `'converged'`; `'maxIter'` (iteration cap reached); `'lineSearch'`
   * (no further decrease possible in floating point, typically just above `tol`);
   * `'inaccurate'` (the ridge solve is off by more than `tol`, for example with `l2 = 0` and
   * singular features).
   */
  readonly status: 'converged' | 'maxIter' | 'lineSearch' | 'inaccurate';
  /** The scores `<x_i, weights> + intercept` of features `[n, p]`, as `decisionFunction`. */
  decision(features: Matrix): Vector<'float64'>;
}

/** Validated {@link LinearProbeOptions} with their defaults. @internal */
export interface LinearSettings {
  readonly kind: 'logistic' | 'ridge';
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly tol: number;
  readonly maxIter: number;
}

/** Checks linear-probe options and fills in the defaults. @internal */
export function checkLinearOptions(op: string, opts: unknown): LinearSettings {
  const o = checkOptions(op, opts as LinearProbeOptions | undefined);
  return {
    kind: checkOneOf(op, 'opts.kind', o.kind ?? 'logistic', ['logistic', 'ridge'] as const),
    l2: checkNumber(op, 'opts.l2', o.l2 ?? 1e-3, { min: 0 }),
    fitIntercept: checkBoolean(op, 'opts.fitIntercept', o.fitIntercept ?? true),
    tol: checkNumber(op, 'opts.tol', o.tol ?? 1e-8, { minExclusive: 0 }),
    maxIter: checkInt(op, 'opts.maxIter', o.maxIter ?? 100, { min: 0 }),
  };
}

/**
 * Fits a linear probe on frozen features (docs: Specification, 'Linear probe'), scikit-learn
 * style: hyperparameters in `opts`, data as arguments, a plain fitted object back.
 *
 * Logistic (default) minimises `(1/n) sum_i log(1 + exp(-y_i (<x_i, w> + b))) + (l2/2) |w|^2`
 * by Newton's method with an Armijo backtracking line search, from w = 0, b = 0, until the
 * gradient norm is at most `tol`. Each Newton system is solved by Cholesky factorisation after
 * eliminating the intercept, in its p x p form or, when there are more features than samples,
 * in its n x n dual form. Ridge minimises `(1/(2n)) sum_i (y_i - <x_i, w> - b)^2 + (l2/2) |w|^2`
 * in closed form. Both compute in float64.
 * @param x - features `[n, p]`, float32 or float64, n >= 1
 * @param y - labels `[n]`, each -1 or +1
 * @param opts - `{ kind?, l2?, fitIntercept?, tol?, maxIter? }`
 * @returns the fitted probe with `converged`, `iterations`, `gradNorm` and `status`
 * @throws {TypeError} when x or y is not a Matrix / Vector, or an option has the wrong type
 * @throws {RangeError} when y's length differs from x's rows, a label is not ±1, an entry of x
 *   is NaN or infinite, n = 0, an option is out of range or opts.kind is unknown
 * @example
 * const x = fromArray([[0], [1], [3], [4]]);
 * const y = fromArray([-1, -1, 1, 1]);
 * const probe = fitLinearProbe(x, y, { l2: 1e-2 });
 * probe.converged; // returns true
 * score(probe, x, y); // returns 1
 */
export function fitLinearProbe(x: Matrix, y: Vector, opts?: LinearProbeOptions): LinearProbe {
  const op = 'fitLinearProbe';
  return fitChecked(op, x, y, checkLinearOptions(op, opts));
}

/** {@link fitLinearProbe} with validated settings, errors named after `op`. @internal */
export function fitChecked(op: string, x: Matrix, y: Vector, s: LinearSettings): LinearProbe {
  const { kind, l2, fitIntercept, tol, maxIter } = s;
  const xs = finiteMatrix(op, 'x', x);
  const n = xs.shape[0];
  if (n < 1)
    throw new RangeError(`${op}: x must have at least one row, got shape [0, ${xs.shape[1]}]`);
  const ys = labelVector(op, 'y', y, n);
  const sol =
    kind === 'logistic'
      ? fitLogistic(xs, ys, { l2, fitIntercept, tol, maxIter })
      : fitRidge(xs, ys, { l2, fitIntercept, tol });
  const probe = {
    kind,
    weights: f64Vector(sol.weights),
    intercept: sol.intercept,
    l2,
    objective: sol.objective,
    gradNorm: sol.gradNorm,
    iterations: sol.iterations,
    converged: sol.status === 'converged',
    status: sol.status,
  };
  Object.defineProperty(probe, 'decision', { value: linearDecision, enumerable: false });
  return probe as LinearProbe;
}
