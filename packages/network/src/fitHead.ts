import {
  assertShape,
  assertTensor,
  copy,
  type DType,
  dot,
  type Matrix,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { headLossAndGrad } from './head.js';
import type { LossName } from './losses.js';

/** Options for {@link fitHead}. */
export interface FitHeadOptions<D extends DType = DType> {
  /** L2 penalty (l2 / 2) |a|^2 added to the mean loss; default 1e-3 (keeps separable data finite). */
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
  /** Final objective: mean loss + (l2 / 2) |a|^2. */
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
  loss: LossName,
  l2: number,
) {
  const { loss: value, grad } = headLossAndGrad(h, a, y, loss);
  for (let j = 0; j < grad.data.length; j++) grad.data[j] += l2 * a.data[j];
  return { value: value + 0.5 * l2 * dot(a, a), grad };
}

/**
 * Minimises the convex head objective mean_i l(y_i, <h_i, a>) + (l2 / 2) |a|^2 on fixed features
 * by gradient descent with Barzilai–Borwein step sizes and an Armijo backtracking safeguard.
 * Only smooth losses with a unique minimiser are accepted (logistic, square).
 *
 * @param h - features `[n, m]`
 * @param y - labels `[n]`
 * @throws {RangeError} for a loss without a unique minimiser or bad options
 * @example
 * const { head, converged } = fitHead(h, y, 'logistic', { l2: 1e-3 });
 */
export function fitHead<D extends DType>(
  h: Matrix<D>,
  y: Vector<D>,
  loss: LossName,
  opts: FitHeadOptions<D> = {},
): FittedHead<D> {
  assertTensor('fitHead', 'h', h, 2);
  const [n, m] = h.shape;
  assertShape('fitHead', 'y', y, [n]);
  if (loss !== 'logistic' && loss !== 'square') {
    throw new RangeError(
      `fitHead: loss must be 'logistic' or 'square' (a unique minimiser), got ${JSON.stringify(loss)}`,
    );
  }
  const l2 = opts.l2 ?? 1e-3;
  const tol = opts.tol ?? 1e-6;
  const maxIter = opts.maxIter ?? 500;
  if (!(l2 >= 0) || !(tol > 0) || !(Number.isInteger(maxIter) && maxIter >= 1)) {
    throw new RangeError(
      `fitHead: need l2 >= 0, tol > 0 and an integer maxIter >= 1, got l2=${l2}, tol=${tol}, maxIter=${maxIter}`,
    );
  }
  let a = opts.init !== undefined ? copy(opts.init) : zeros([m] as const, { dtype: h.dtype });
  let cur = objective(h, a, y, loss, l2);
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
      trial = objective(h, next, y, loss, l2);
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
