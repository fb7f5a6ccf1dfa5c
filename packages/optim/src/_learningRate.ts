import { typeError } from '@mtrl/tensors';
import { checkNonNegative } from './_validate.js';
import type { Schedule } from './types.js';

/** Checks a learning rate given to an alias, so the error names the alias. */
export function checkLearningRate(op: string, learningRate: number | Schedule): void {
  if (typeof learningRate === 'number') checkNonNegative(op, 'learningRate', learningRate);
  else if (typeof learningRate !== 'function') {
    typeError(op, 'learningRate', 'a number or a schedule function', learningRate);
  }
}
