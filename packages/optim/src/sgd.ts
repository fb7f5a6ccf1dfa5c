import { identity } from './_identity.js';
import { checkLearningRate } from './_learningRate.js';
import { checkBoolean, checkDecay, checkNonNegative, checkOptions } from './_validate.js';
import { addDecayedWeights } from './addDecayedWeights.js';
import { chain } from './chain.js';
import { type ScaleByLearningRateState, scaleByLearningRate } from './scaleByLearningRate.js';
import { type TraceState, trace } from './trace.js';
import type { EmptyState, Schedule, Transform } from './types.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Momentum coefficient in `[0, 1)`; 0 (default) is plain SGD. */
  momentum?: number;
  /** Use Nesterov momentum (default `false`; needs `momentum > 0`). */
  nesterov?: boolean;
  /** L2 penalty coefficient added to the gradient, `>= 0` (default 0). */
  weightDecay?: number;
}

/**
 * State of {@link sgd}: `[weight decay (empty), momentum trace (empty without momentum),
 * learning-rate step count]`. The layout is the same whatever the options.
 */
export type SgdState = readonly [EmptyState, TraceState | EmptyState, ScaleByLearningRateState];

/**
 * Stochastic gradient descent (Robbins & Monro, 1951), with optional heavy-ball or Nesterov
 * momentum (Sutskever et al., ICML 2013) and L2 weight decay, as in PyTorch's `SGD` without
 * dampening:
 *
 *     d_t = g_t + weightDecay * p_t
 *     m_t = d_t + momentum * m_{t-1}                      (m_0 = 0)
 *     p_{t+1} = p_t - lr(t) * m_t                          (heavy ball)
 *     p_{t+1} = p_t - lr(t) * (d_t + momentum * m_t)       (nesterov)
 *
 * It is `chain(addDecayedWeights(weightDecay), trace(momentum, nesterov),
 * scaleByLearningRate(lr))`, with unused steps skipped.
 *
 * Weight decay here is an L2 penalty: `weightDecay * p` joins the gradient *before* momentum,
 * so it is accumulated in the trace. {@link adamw} instead decays the weights *after* Adam's
 * rescaling (decoupled decay). Without momentum the two coincide: `p - lr * (g + wd * p)`.
 *
 * @param learningRate - a finite number `>= 0`, or a {@link Schedule}
 * @param options - `momentum`, `nesterov`, `weightDecay`
 * @returns the optimizer; `update` needs `params` when `weightDecay > 0`
 * @throws {RangeError} when `learningRate` or `weightDecay` is negative or not finite, or
 *   `momentum` is outside `[0, 1)`
 * @throws {RangeError} when `nesterov` is set without momentum
 * @throws {TypeError} when `nesterov` is not a boolean
 * @example
 * const opt = sgd(0.1, { momentum: 0.9 });
 * const p = { w: fromArray([1]) };
 * const [u] = opt.update({ w: fromArray([2]) }, opt.init(p), p);
 * toArray(applyUpdates(p, u).w); // returns [0.8]
 */
export function sgd(learningRate: number | Schedule, options?: SgdOptions): Transform<SgdState> {
  const op = 'sgd';
  checkLearningRate(op, learningRate);
  const { momentum = 0, nesterov = false, weightDecay = 0 } = checkOptions(op, options);
  checkDecay(op, 'momentum', momentum);
  checkBoolean(op, 'nesterov', nesterov);
  checkNonNegative(op, 'weightDecay', weightDecay);
  if (nesterov && momentum === 0) {
    throw new RangeError(`${op}: nesterov needs momentum > 0, got momentum ${momentum}`);
  }
  return chain(
    weightDecay > 0 ? addDecayedWeights(weightDecay) : identity(),
    momentum > 0 ? trace(momentum, nesterov) : identity(),
    scaleByLearningRate(learningRate),
  );
}
