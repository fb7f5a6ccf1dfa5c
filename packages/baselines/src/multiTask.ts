import { type PretrainOptions, pretrain, pretrainAsync } from '@mtrl/pretrain';
import type { Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/**
 * The main method, behind the same interface as the baselines: multi-task pretraining (docs:
 * Specification, 'Pretraining') on all T tasks of `setup.suite` with `setup.config` (any
 * `config.algorithm`). `{ run, features } = splitNamed(key, ['run', 'features'])`: the run is
 * `pretrain(run, ...)` (so random features, single-task and fixed-head runs with the same key
 * start from the same layer) and `features` draws the probe features' biases.
 * @param key - the method's key
 * @param setup - `{ gt, suite, config, inputs?, features? }`
 * @param options - passed to `pretrain` (probes, onRound, onTask, signal, initialLayer)
 * @returns the representation, with the pretraining result as `pretrain`
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config (every bad field named) or an empty suite
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 2 });
 * const suite = taskSuite(key(1), { kind: 'halfspace' }, gt, 32);
 * const config = { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, normalizeRows: true };
 * const rep = multiTask(key(2), { gt, suite, config });
 * subspaceEnergy(rep.layer.w, gt); // returns about 0.8 (random init: r / d = 0.03)
 */
export function multiTask(
  key: Key,
  setup: BaselineSetup,
  options?: PretrainOptions,
): Representation {
  const c = checkSetup('multiTask', key, setup);
  const res = pretrain(c.run, sourceOf(setup), setup.config, options);
  return represent('multiTask', key, c, res.layer, { pretrain: res });
}

/**
 * {@link multiTask} on `pretrainAsync`: the tasks of each round run on `options.threads`
 * worker threads (`node:worker_threads` in Node, module Web Workers in browsers) and the event
 * loop stays free between tasks. Same key use and the same representation, bit for bit, as
 * `multiTask` for any thread count.
 * @param key - the method's key, split as in `multiTask`
 * @param setup - `{ gt, suite, config, inputs?, features? }`
 * @param options - passed to `pretrainAsync` (threads, probes, onRound, onTask, signal, ...)
 * @returns a promise of the representation, with the pretraining result as `pretrain`
 * @throws {TypeError} for a bad key or setup (synchronously, before any worker starts)
 * @example
 * const rep = await multiTaskAsync(key(2), { gt, suite, config }, { threads: 'auto' });
 */
export async function multiTaskAsync(
  key: Key,
  setup: BaselineSetup,
  options?: PretrainOptions,
): Promise<Representation> {
  const c = checkSetup('multiTaskAsync', key, setup);
  const res = await pretrainAsync(c.run, sourceOf(setup), setup.config, options);
  return represent('multiTask', key, c, res.layer, { pretrain: res });
}
