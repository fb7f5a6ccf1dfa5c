import { initLayer, type Layer } from '@mtrl/network';
import {
  type ResolvedPretrainConfig,
  resolveConfig,
  runKeys,
  suiteSource,
  type TaskSource,
} from '@mtrl/pretrain';
import { featureMap } from '@mtrl/probes';
import { assertKey, assertTensor, checkObject, type Key, splitNamed } from '@mtrl/tensors';
import type { BaselineSetup, Representation } from './types.js';

/** A checked setup with its config resolved. @internal */
export interface CheckedSetup {
  setup: BaselineSetup;
  config: ResolvedPretrainConfig;
  /**
   * Key of the method's run: the pretraining key of the methods that pretrain, and the key whose
   * `runKeys(run).init` gives every method the same initial layer.
   */
  run: Key;
  /** Key for the probe features' fresh biases. */
  features: Key;
}

/** The names of a method's key parts: `splitNamed(key, KEY_PARTS)`, as `split(key, 2)`. */
export const KEY_PARTS = ['run', 'features'] as const;

/**
 * Checks the key and setup (the config through `resolveConfig` of @mtrl/pretrain) and splits
 * the key: `{ run, features } = splitNamed(key, ['run', 'features'])`. @internal
 */
export function checkSetup(op: string, key: Key, setup: BaselineSetup): CheckedSetup {
  assertKey(op, key);
  checkObject(op, 'setup', setup);
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
    const err = e as Error;
    const E = err instanceof TypeError ? TypeError : RangeError;
    throw new E(`${op}: setup.config: ${err.message}`, { cause: err });
  }
  const { run, features } = splitNamed(key, KEY_PARTS);
  return { setup, config, run, features };
}

/**
 * The initial layer of a pretraining run with key `c.run` and the setup's config:
 * `initLayer(runKeys(run).init, { d, m, weights, bias, dtype, activation })`. @internal
 */
export function initialLayer(c: CheckedSetup): Layer {
  const { config } = c;
  return initLayer(runKeys(c.run).init, {
    d: c.setup.gt.d,
    m: config.m,
    weights: config.init.weights,
    bias: config.init.bias,
    dtype: config.dtype,
    ...(config.init.activation === undefined ? {} : { activation: config.init.activation }),
  });
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
