import { pretrain } from '@mtrl/pretrain';
import type { Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/**
 * Random features (docs: Specification, 'Baselines'): the same network frozen at
 * initialisation, with no pretraining.
 * The layer is exactly the initial layer of the multi-task run with the same config (it is
 * `pretrain` with zero rounds), so the two differ only by the pretraining step.
 * @param key - `[unused, features] = split(key)`
 * @param setup - `{ gt, suite, config, inputs?, features? }`; only `config.m`, `init`, `dtype`
 *   and `seed` matter
 * @returns the representation of the initial layer
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config or an empty suite
 * @example
 * const rep = randomFeatures(key(2), { gt, suite, config });
 * subspaceEnergy(rep.layer.w, gt); // returns about r / d
 */
export function randomFeatures(key: Key, setup: BaselineSetup): Representation {
  const c = checkSetup('randomFeatures', key, setup);
  const res = pretrain(sourceOf(setup), { ...setup.config, rounds: 0 });
  return represent('randomFeatures', key, c, res.layer, { pretrain: res });
}
