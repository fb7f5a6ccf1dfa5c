import { type PretrainOptions, pretrain } from '@mtrl/pretrain';
import type { Task } from '@mtrl/tasks';
import { checkInt, type Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
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
 * on one task of the suite, with every hyperparameter of `setup.config` unchanged (and the same
 * run key as `multiTask`, so the same initial layer). With one task the averaged update is rank one, so it typically learns one
 * direction of the subspace: coverage stays near 0 and downstream tasks off that direction stay
 * unsolved.
 * @param key - `{ run, features } = splitNamed(key, ['run', 'features'])`; the run is
 *   `pretrain(run, ...)`
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
  const t = checkInt(op, 'opts.task', opts.task ?? 0, {
    min: 0,
    max: setup.suite.tasks.length - 1,
  });
  const res = pretrain(
    c.run,
    sourceOf(setup, [setup.suite.tasks[t] as Task]),
    setup.config,
    opts.pretrain,
  );
  return represent(op, key, c, res.layer, { pretrain: res });
}
