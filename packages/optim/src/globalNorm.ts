import { checkParams, flat, sizeOfTensor } from './_params.js';
import type { Params } from './types.js';

/**
 * The Euclidean norm of all tensors taken together, `sqrt(sum_k ||t_k||_F^2)`, accumulated in
 * float64. Useful to log gradient norms; {@link clipByGlobalNorm} uses it.
 *
 * @param tensors - named tensors (gradients, updates or parameters)
 * @returns the global norm; 0 for an empty record
 * @throws {TypeError} when `tensors` is not a record of tensors
 * @example
 * globalNorm({ w: fromArray([3, 0]), b: fromArray([4]) }); // returns 5
 */
export function globalNorm(tensors: Params): number {
  checkParams('globalNorm', 'tensors', tensors);
  let sumSq = 0;
  for (const key of Object.keys(tensors)) {
    const t = tensors[key];
    const x = flat(t);
    const n = sizeOfTensor(t);
    for (let i = 0; i < n; i++) {
      const v = x.data[x.offset + i];
      sumSq += v * v;
    }
  }
  return Math.sqrt(sumSq);
}
