import { type PretrainOptions, pretrain } from '@mtrl/pretrain';
import { checkNumber, type Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/** Options for {@link fixedHeads}. */
export interface FixedHeadsOptions {
  /**
   * Standard deviation of the random heads, `> 0`. Default `alpha / sqrt(d)`: the size of a
   * head after one adaptation step, `alpha |<w_j, M^T v_t>| / sqrt(2 pi)` with
   * `<w_j, M^T v_t> ~ N(0, 1/d)` at initialisation, up to a constant.
   */
  headStd?: number;
  /** Passed to `pretrain` (probes, onRound, ...). */
  pretrain?: PretrainOptions;
}

/**
 * No head adaptation, random heads (docs: Specification, 'Baselines'): the multi-task algorithm
 * with every head drawn once from `N(0, headStd^2)` and never adapted (`head: { mode: 'fixed' }`),
 * all other hyperparameters of `setup.config` unchanged. The layer step then sums each task's
 * gradient weighted by a random head instead of one aligned with the task, which removes the
 * pseudo-contrastive term (docs: Specification, 'Why it works').
 * @param key - `{ run, features } = splitNamed(key, ['run', 'features'])`: the run (initial
 *   layer and heads) is `pretrain(run, ...)`, as in `multiTask`
 * @param setup - `{ gt, suite, config, inputs?, features? }`
 * @param opts - `{ headStd?, pretrain? }`
 * @returns the representation, with the pretraining result as `pretrain`
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config, an empty suite or headStd <= 0
 * @example
 * const rep = fixedHeads(key(2), { gt, suite, config });
 * rep.pretrain.config.head; // returns { mode: 'fixed' }
 */
export function fixedHeads(
  key: Key,
  setup: BaselineSetup,
  opts: FixedHeadsOptions = {},
): Representation {
  const op = 'fixedHeads';
  const c = checkSetup(op, key, setup);
  const std = checkNumber(
    op,
    'opts.headStd',
    opts.headStd ?? c.config.alpha / Math.sqrt(setup.gt.d),
    { minExclusive: 0 },
  );
  const res = pretrain(
    c.run,
    sourceOf(setup),
    { ...setup.config, head: { mode: 'fixed' }, headInit: { kind: 'normal', std } },
    opts.pretrain,
  );
  return represent(op, key, c, res.layer, { pretrain: res });
}
