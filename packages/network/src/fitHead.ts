import {
  assertShape,
  assertTensor,
  checkInt,
  checkNumber,
  checkOptions,
  copy,
  type DType,
  dot,
  type Matrix,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { headLossAndGrad } from './head.js';
import { type Loss, type LossSpec, resolveLoss } from './losses.js';

/** Options for {@link fitHead}. */
export interface FitHeadOptions<D extends DType = DType> {
  /**
   * L2 penalty `(l2 / 2) |a|^2` added to the mean loss; default 1e-3 (keeps separable data
   * finite).
   */
  l2?: number;
  /** Stop when the gradient norm of the objective is at most `tol`; default 1e-6. */
  tol?: number;
  /** Iteration cap; default 500. */
  maxIter?: number;
  /** Starting head; default zero. */
  init?: Vector<D>;
}

/** The fitted head and how the solve went. */
export interface FittedHead<D extends DType = DType> {
  readonly head: Vector<D>;
  /** Final objective: mean loss + `(l2 / 2) |a|^2`. */
  readonly objective: number;
  readonly gradNorm: number;
  readonly iterations: number;
  /** False when `maxIter` was reached before `tol`: never hidden. */
  readonly converged: boolean;
}

function objective<D extends DType>(
  h: Matrix<D>,
  a: Vector<D>,
  y: Vector<D>,
  loss: Loss,
  l2: number,
) {
  const { loss: value, grad } = headLossAndGrad(h, a, y, loss);
  for (let j = 0; j < grad.data.length; j++) grad.data[j] += l2 * a.data[j];
  return { value: value + 0.5 * l2 * dot(a, a), grad };
}

/**
 * Minimises the convex head objective `mean_i l(y_i, <h_i, a>) + (l2 / 2) |a|^2` on fixed features
 * by gradient descent with Barzilai–Borwein step sizes and an Armijo backtracking safeguard.
 * Of the named losses only those with a unique minimiser are accepted (logistic, square); a
 * user-written {@link Loss} object is taken as it is and should be smooth and convex in f (with
 * `l2 > 0` the minimiser is then unique).
 *
 * @param h - features `[n, m]`
 * @param y - labels `[n]`
 * @param loss - `'logistic'`, `'square'` or a {@link Loss} object
 * @throws {RangeError} for a named loss without a unique minimiser or bad options
 * @throws {TypeError} for options or a loss of the wrong type
 * @example
 * const { head, converged } = fitHead(h, y, 'logistic', { l2: 1e-3 });
 */
export function fitHead<D extends DType>(
  h: Matrix<D>,
  y: Vector<D>,
  loss: LossSpec,
  opts: FitHeadOptions<D> = {},
): FittedHead<D> {
  assertTensor('fitHead', 'h', h, 2);
  const [n, m] = h.shape;
  assertShape('fitHead', 'y', y, [n]);
  if (typeof loss === 'string' && loss !== 'logistic' && loss !== 'square') {
    throw new RangeError(
      `fitHead: loss must be 'logistic', 'square' (a unique minimiser) or a Loss object, got ${JSON.stringify(loss)}`,
    );
  }
  const l = resolveLoss(loss, 'fitHead');
  const o = checkOptions('fitHead', opts);
  const l2 = checkNumber('fitHead', 'l2', o.l2 ?? 1e-3, { min: 0 });
  const tol = checkNumber('fitHead', 'tol', o.tol ?? 1e-6, { minExclusive: 0 });
  const maxIter = checkInt('fitHead', 'maxIter', o.maxIter ?? 500, { min: 1 });
  if (o.init !== undefined) assertShape('fitHead', 'init', o.init, [m]);
  let a = o.init !== undefined ? copy(o.init) : zeros([m] as const, { dtype: h.dtype });
  let cur = objective(h, a, y, l, l2);
  let step = 1;
  let gradNorm = Math.sqrt(dot(cur.grad, cur.grad));
  let it = 0;
  for (; it < maxIter && gradNorm > tol; it++) {
    // Armijo backtracking from the Barzilai–Borwein proposal.
    let t = step;
    let next: Vector<D>;
    let trial: ReturnType<typeof objective<D>>;
    for (;;) {
      next = copy(a);
      for (let j = 0; j < m; j++) next.data[j] -= t * cur.grad.data[j];
      trial = objective(h, next, y, l, l2);
      // Near the optimum the decrease falls below rounding of the objective; then any step that
      // does not raise it beyond rounding is accepted, so tight tolerances stay reachable.
      const slack = 8 * Number.EPSILON * Math.abs(cur.value);
      const decrease = t * gradNorm * gradNorm;
      const belowRounding = decrease < slack && trial.value <= cur.value + slack;
      if (trial.value <= cur.value - 1e-4 * decrease || belowRounding || t < 1e-12) break;
      t *= 0.5;
    }
    let sy = 0;
    let ss = 0;
    for (let j = 0; j < m; j++) {
      const s = next.data[j] - a.data[j];
      sy += s * (trial.grad.data[j] - cur.grad.data[j]);
      ss += s * s;
    }
    step = sy > 0 ? ss / sy : t * 2;
    a = next;
    cur = trial;
    gradNorm = Math.sqrt(dot(cur.grad, cur.grad));
  }
  return { head: a, objective: cur.value, gradNorm, iterations: it, converged: gradNorm <= tol };
}
