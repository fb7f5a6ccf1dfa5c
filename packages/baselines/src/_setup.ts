import type { Layer } from '@mtrl/network';
import {
  type ResolvedPretrainConfig,
  resolveConfig,
  suiteSource,
  type TaskSource,
} from '@mtrl/pretrain';
import { featureMap } from '@mtrl/probes';
import { assertKey, assertTensor, type Key, split } from '@mtrl/tensors';
import type { BaselineSetup, Representation } from './types.js';

/** A checked setup with its config resolved. @internal */
export interface CheckedSetup {
  setup: BaselineSetup;
  config: ResolvedPretrainConfig;
  /** Key for the method's own randomness. */
  method: Key;
  /** Key for the probe features' fresh biases. */
  features: Key;
}

/**
 * Checks the key and setup (the config through `resolveConfig` of @mtrl/pretrain) and splits
 * the key: `[method, features] = split(key)`. @internal
 */
export function checkSetup(op: string, key: Key, setup: BaselineSetup): CheckedSetup {
  assertKey(op, key);
  if (setup === null || typeof setup !== 'object') {
    throw new TypeError(`${op}: setup must be { gt, suite, config, inputs?, features? }`);
  }
  assertTensor(op, 'setup.gt.m', setup.gt?.m, 2);
  const tasks = setup.suite?.tasks;
  if (!Array.isArray(tasks) || tasks.length < 1) {
    throw new RangeError(
      `${op}: setup.suite must hold at least one task (a TaskSuite of @mtrl/tasks)`,
    );
  }
  if (setup.suite.r !== setup.gt.r) {
    throw new RangeError(
      `${op}: setup.suite.r = ${setup.suite.r} differs from setup.gt.r = ${setup.gt.r}`,
    );
  }
  let config: ResolvedPretrainConfig;
  try {
    config = resolveConfig(setup.config);
  } catch (e) {
    throw new RangeError(`${op}: setup.config: ${(e as Error).message}`);
  }
  const [method, features] = split(key, 2);
  return { setup, config, method, features };
}

/** The pretraining source of a setup, optionally restricted to some tasks. @internal */
export function sourceOf(setup: BaselineSetup, tasks = setup.suite.tasks): TaskSource {
  return suiteSource(setup.gt, { ...setup.suite, tasks }, setup.inputs ?? { kind: 'gaussian' });
}

/** Wraps a layer into a representation, drawing its probe features. @internal */
export function represent(
  name: string,
  key: Key,
  c: CheckedSetup,
  layer: Layer,
  extras: Partial<
    Pick<Representation, 'pretrain' | 'losses' | 'eigenvalues' | 'eigenvalueThreshold'>
  > = {},
): Representation {
  return {
    name,
    layer,
    features: featureMap(c.features, layer, c.setup.features),
    key,
    ...extras,
  };
}
