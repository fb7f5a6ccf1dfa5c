import type { Key } from '@mtrl/tensors';
import { checkSetup, initialLayer, represent } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/**
 * Random features (docs: Specification, 'Baselines'): the same network frozen at
 * initialisation, with no pretraining.
 * The layer is exactly the initial layer of the multi-task run with the same key and config
 * (`initLayer(runKeys(run).init, ...)` of @mtrl/network and @mtrl/pretrain), so the two differ
 * only by the pretraining step.
 * @param key - `{ run, features } = splitNamed(key, ['run', 'features'])`: the layer comes from
 *   `run`, the probe features' biases from `features`
 * @param setup - `{ gt, suite, config, inputs?, features? }`; only `config.m`, `init` and
 *   `dtype` matter
 * @returns the representation of the initial layer
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config or an empty suite
 * @example
 * const rep = randomFeatures(key(2), { gt, suite, config });
 * subspaceEnergy(rep.layer.w, gt); // returns about r / d
 */
export function randomFeatures(key: Key, setup: BaselineSetup): Representation {
  const c = checkSetup('randomFeatures', key, setup);
  return represent('randomFeatures', key, c, initialLayer(c));
}
