import { type PretrainOptions, pretrain } from '@mtrl/pretrain';
import type { Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import { checkIndex } from './_validate.js';
import type { BaselineSetup, Representation } from './types.js';

/** Options for {@link singleTask}. */
export interface SingleTaskOptions {
  /** Which task of the suite to pretrain on; default 0. */
  task?: number;
  /** Passed to `pretrain` (probes, onRound, ...). */
  pretrain?: PretrainOptions;
}

/**
 * Single-task pretraining (docs: Specification, 'Baselines'): the multi-task algorithm with T = 1,
 * on one task of the suite, with every hyperparameter of `setup.config` unchanged (same seed, so
 * same initial layer). With one task the averaged update is rank one, so it typically learns one
 * direction of the subspace: coverage stays near 0 and downstream tasks off that direction stay
 * unsolved.
 * @param key - `[unused, features] = split(key)`
 * @param setup - `{ gt, suite, config, inputs?, features? }`
 * @param opts - `{ task?, pretrain? }`
 * @returns the representation, with the pretraining result as `pretrain`
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config, an empty suite or a task index outside the suite
 * @example
 * const rep = singleTask(key(2), { gt, suite, config });
 * coverage(rep.layer.w, gt).ratio; // returns about 0.1 (multi-task: near 1)
 */
export function singleTask(
  key: Key,
  setup: BaselineSetup,
  opts: SingleTaskOptions = {},
): Representation {
  const op = 'singleTask';
  const c = checkSetup(op, key, setup);
  const t = checkIndex(op, 'opts.task', opts.task ?? 0, setup.suite.tasks.length);
  const res = pretrain(sourceOf(setup, [setup.suite.tasks[t]]), setup.config, opts.pretrain);
  return represent(op, key, c, res.layer, { pretrain: res });
}
