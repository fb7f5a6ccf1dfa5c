import { checkParams, scaleParams } from './_params.js';
import type { EmptyState, Transform } from './types.js';

/**
 * The transform that leaves updates unchanged (as copies); fills an unused slot in an alias so
 * its state has the same layout whatever the options.
 * @internal
 */
export function identity(): Transform<EmptyState> {
  return {
    init(params) {
      checkParams('identity.init', 'params', params);
      return {};
    },
    update(grads) {
      checkParams('identity.update', 'grads', grads);
      return [scaleParams(grads, 1), {}];
    },
  };
}
