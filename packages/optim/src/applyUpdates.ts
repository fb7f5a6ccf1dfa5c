import { axpyInto, copy, type Tensor } from '@mtrl/tensors';
import { checkParams, checkSameTree } from './_params.js';
import type { Params } from './types.js';

/**
 * New parameters `p + u` for every name; the inputs are left unchanged. Each result keeps the
 * dtype of its parameter.
 *
 * @param params - the current parameters
 * @param updates - updates with the same names and shapes (from a transform's `update`)
 * @returns new contiguous tensors, in a record of the same type as `params`
 * @throws {RangeError} when names or shapes differ
 * @example
 * const p = applyUpdates({ w: fromArray([1, 2]) }, { w: fromArray([-0.5, 0.5]) });
 * toArray(p.w); // returns [0.5, 2.5]
 */
export function applyUpdates<P extends Params>(params: P, updates: Params): P {
  check('applyUpdates', params, updates);
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(params)) {
    const p = copy(params[key]);
    axpyInto(p, 1, updates[key]);
    out[key] = p;
  }
  return out as P;
}

/**
 * Adds `updates` to `params` in place (`p += u`), without allocating: the fast path for large
 * matrices when the previous parameters are no longer needed.
 *
 * @param params - the parameters, overwritten
 * @param updates - updates with the same names and shapes
 * @throws {RangeError} when names or shapes differ (then nothing is written)
 * @example
 * const p = { w: fromArray([1, 2]) };
 * applyUpdatesInto(p, { w: fromArray([-0.5, 0.5]) });
 * toArray(p.w); // returns [0.5, 2.5]
 */
export function applyUpdatesInto(params: Params, updates: Params): void {
  check('applyUpdatesInto', params, updates);
  for (const key of Object.keys(params)) axpyInto(params[key], 1, updates[key]);
}

function check(op: string, params: Params, updates: Params): void {
  checkParams(op, 'params', params);
  checkParams(op, 'updates', updates);
  checkSameTree(op, 'params', params, 'updates', updates);
}
