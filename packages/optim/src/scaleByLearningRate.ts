import { typeError } from '@mtrl/tensors';
import { checkParams, checkState, scaleParams } from './_params.js';
import { checkCount, checkNonNegative } from './_validate.js';
import type { Schedule, Transform } from './types.js';

/** State of {@link scaleByLearningRate}: the number of updates made so far. */
export interface ScaleByLearningRateState {
  /** Updates made so far; the next update uses the learning rate at this step. */
  readonly count: number;
}

/**
 * Scales updates by the negated learning rate, turning a descent direction into a step:
 * `u_t = -lr(t) * g_t`, where `t` counts updates from 0.
 *
 * The sign flip lives here, as in optax, so the transforms before it work with gradients and
 * {@link applyUpdates} simply adds.
 *
 * @param learningRate - a finite number `>= 0`, or a {@link Schedule} of the step
 * @returns the transform; its state counts the updates made
 * @throws {RangeError} when `learningRate` is negative, NaN or infinite, or (in `update`) when
 *   the schedule returns such a value
 * @throws {TypeError} when `learningRate` is neither a number nor a function
 * @example
 * const t = scaleByLearningRate(0.1);
 * const [u] = t.update({ w: fromArray([1, -2]) }, t.init({ w: zeros([2]) }));
 * toArray(u.w); // returns [-0.1, 0.2]
 */
export function scaleByLearningRate(
  learningRate: number | Schedule,
): Transform<ScaleByLearningRateState> {
  const op = 'scaleByLearningRate';
  if (typeof learningRate === 'number') checkNonNegative(op, 'learningRate', learningRate);
  else if (typeof learningRate !== 'function') {
    typeError(op, 'learningRate', 'a number or a schedule function', learningRate);
  }
  const at: Schedule = typeof learningRate === 'number' ? () => learningRate : learningRate;
  return {
    init(params) {
      checkParams(`${op}.init`, 'params', params);
      return { count: 0 };
    },
    update(grads, state) {
      const uop = `${op}.update`;
      checkParams(uop, 'grads', grads);
      checkState(uop, state);
      const count = checkCount(uop, 'state.count', state.count);
      const lr = at(count);
      if (typeof lr !== 'number' || !(Number.isFinite(lr) && lr >= 0)) {
        const E = typeof lr === 'number' ? RangeError : TypeError;
        throw new E(
          `${uop}: the learning rate at step ${count} must be a finite number >= 0, got ${String(lr)}`,
        );
      }
      return [scaleParams(grads, -lr), { count: count + 1 }];
    },
  };
}
