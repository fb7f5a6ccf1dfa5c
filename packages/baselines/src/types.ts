import type { Layer } from '@mtrl/network';
import type { PretrainConfig, PretrainResult } from '@mtrl/pretrain';
import type { FeatureMap, FeatureMapOptions } from '@mtrl/probes';
import type { GroundTruth, InputDistribution, TaskSuite } from '@mtrl/tasks';
import type { Key } from '@mtrl/tensors';

/**
 * What every method (multi-task pretraining and each baseline) is given: the ground truth, the
 * pretraining tasks and the multi-task hyperparameters. Baselines read what they need from it
 * (the width `m`, the sample sizes `n1`, `n2`, the initialisation); the method's key gives the
 * randomness, and the same key gives every method the same initial layer, so a method is
 * swapped for another by changing only its name.
 */
export interface BaselineSetup {
  /** The ground truth, `m: [r, d]`. */
  readonly gt: GroundTruth;
  /** The T pretraining tasks (multi-task pretraining uses all of them). */
  readonly suite: TaskSuite;
  /** Input distribution; default gaussian. */
  readonly inputs?: InputDistribution;
  /** The multi-task pretraining config (see @mtrl/pretrain). */
  readonly config: PretrainConfig;
  /**
   * How the probe features are read from the learned layer (see `featureMap` of @mtrl/probes);
   * default unit rows and fresh `N(0, 0.5^2)` biases.
   */
  readonly features?: FeatureMapOptions;
}

/**
 * A learned (or given) representation: a first layer, and the frozen features a downstream
 * linear probe reads from it. Every method returns one, whatever it does inside.
 */
export interface Representation {
  /** The method's name, a key of `BASELINES`. */
  readonly name: string;
  /** The first layer `{ w: [m, d], b: [m] }`: subspace energy, coverage and angles read `w`. */
  readonly layer: Layer;
  /** `phi(x) = relu(W' x + b')` from `featureMap` of @mtrl/probes, for downstream probes. */
  readonly features: FeatureMap;
  /**
   * The key the representation was made with: `{ run, features } = splitNamed(key, ['run',
   * 'features'])`, the run (initial layer, pretraining) from `run`, the features' biases from
   * `features`.
   */
  readonly key: Key;
  /** For the methods that run `pretrain` (`jointSgd` too): its full result (history, heads, config). */
  readonly pretrain?: PretrainResult;
  /** For `jointSgd`: the mean training loss over tasks at every step. */
  readonly losses?: readonly number[];
  /** For `methodOfMoments`: the top eigenvalues of `sum_t m_t m_t^T`, descending. */
  readonly eigenvalues?: readonly number[];
  /** For `methodOfMoments` with `rank: 'auto'`: the noise threshold the kept eigenvalues exceed. */
  readonly eigenvalueThreshold?: number;
}

/**
 * The common interface: a method makes a representation from a key and a setup. Methods with
 * hyperparameters of their own take them as an optional third argument.
 */
export type Baseline = (key: Key, setup: BaselineSetup) => Representation;
