import { checkParams, scaleParams } from './_params.js';
import { checkPositive } from './_validate.js';
import { globalNorm } from './globalNorm.js';
import type { EmptyState, Transform } from './types.js';

/** State of {@link clipByGlobalNorm}: nothing is kept between steps. */
export type ClipByGlobalNormState = EmptyState;

/**
 * Rescales all updates together so that their global norm is at most `maxNorm` (Pascanu et al.,
 * "On the difficulty of training recurrent neural networks", ICML 2013):
 *
 *     u_t = g_t * min(1, maxNorm / ||g_t||)      where ||g|| = sqrt(sum_k ||g_k||_F^2)
 *
 * The direction is kept; only the length shrinks. A NaN norm propagates (the updates become NaN).
 *
 * @param maxNorm - the largest allowed global norm, finite and `> 0`
 * @returns a stateless transform
 * @throws {RangeError} when `maxNorm` is not a finite number `> 0`
 * @example
 * const t = clipByGlobalNorm(1);
 * const g = { w: fromArray([3, 4]) };
 * const [u] = t.update(g, t.init(g));
 * toArray(u.w); // returns [0.6, 0.8]
 */
export function clipByGlobalNorm(maxNorm: number): Transform<ClipByGlobalNormState> {
  const op = 'clipByGlobalNorm';
  checkPositive(op, 'maxNorm', maxNorm);
  return {
    init(params) {
      checkParams(`${op}.init`, 'params', params);
      return {};
    },
    update(grads) {
      checkParams(`${op}.update`, 'grads', grads);
      const norm = globalNorm(grads);
      // `norm > maxNorm` is false for NaN, so test the other way round to let NaN through.
      const factor = norm <= maxNorm ? 1 : maxNorm / norm;
      return [scaleParams(grads, factor), {}];
    },
  };
}
