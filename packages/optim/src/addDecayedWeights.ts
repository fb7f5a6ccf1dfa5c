import type { Tensor } from '@mtrl/tensors';
import { addScaledKernel } from './_kernels/addScaled.js';
import { checkParams, checkSameTree, flat, sizeOfTensor, zerosLike } from './_params.js';
import { checkNonNegative } from './_validate.js';
import type { EmptyState, Transform } from './types.js';

/** State of {@link addDecayedWeights}: nothing is kept between steps. */
export type AddDecayedWeightsState = EmptyState;

/**
 * Adds the parameters, scaled by `weightDecay`, to the updates: `u_t = g_t + weightDecay * p_t`.
 *
 * Placed after an adaptive rescaling such as {@link scaleByAdam} and before
 * {@link scaleByLearningRate}, this is the decoupled weight decay of AdamW (Loshchilov & Hutter,
 * "Decoupled Weight Decay Regularization", ICLR 2019): the decay is not divided by Adam's
 * second-moment estimate. Placed first, on the raw gradient, it is the classic L2 penalty
 * `weightDecay / 2 * ||p||^2` that {@link sgd} uses.
 *
 * @param weightDecay - finite and `>= 0`
 * @returns a stateless transform whose `update` requires `params`
 * @throws {RangeError} when `weightDecay` is negative, NaN or infinite; (in `update`) when
 *   `params` is missing or its names or shapes differ from `grads`
 * @example
 * const t = addDecayedWeights(0.5);
 * const p = { w: fromArray([2, -4]) };
 * const [u] = t.update({ w: fromArray([1, 1]) }, t.init(p), p);
 * toArray(u.w); // returns [2, -1]
 */
export function addDecayedWeights(weightDecay: number): Transform<AddDecayedWeightsState> {
  const op = 'addDecayedWeights';
  checkNonNegative(op, 'weightDecay', weightDecay);
  return {
    init(params) {
      checkParams(`${op}.init`, 'params', params);
      return {};
    },
    update(grads, _state, params) {
      const uop = `${op}.update`;
      checkParams(uop, 'grads', grads);
      if (params === undefined) {
        throw new TypeError(
          `${uop}: params are required (weight decay reads the parameters); pass them as the third argument`,
        );
      }
      checkParams(uop, 'params', params);
      checkSameTree(uop, 'grads', grads, 'params', params);
      const updates: Record<string, Tensor> = {};
      for (const key of Object.keys(grads)) {
        const g = flat(grads[key]);
        const p = flat(params[key]);
        const u = zerosLike(grads[key]);
        addScaledKernel(sizeOfTensor(u), u.data, g.data, g.offset, weightDecay, p.data, p.offset);
        updates[key] = u;
      }
      return [updates, {}];
    },
  };
}
