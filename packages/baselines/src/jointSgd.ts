import type { LossName } from '@mtrl/network';
import { type PretrainConfig, type PretrainOptions, pretrain } from '@mtrl/pretrain';
import { checkBoolean, checkInt, checkNumber, type Key } from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/** Options for {@link jointSgd}. */
export interface JointSgdOptions {
  /** SGD steps, >= 1; default 100. */
  steps?: number;
  /** Fresh samples per task per step, >= 1; default 64. */
  batchSize?: number;
  /** Step size for W and b (on the mean loss over tasks), >= 0; default 1. */
  learningRate?: number;
  /** Step size for each head (on its own task's loss), >= 0; default `learningRate`. */
  headLearningRate?: number;
  /** Heavy-ball momentum in [0, 1) for all parameters; default 0 (plain SGD). */
  momentum?: number;
  /** Loss; default `'logistic'` (the correlation loss is unbounded below when trained jointly). */
  loss?: LossName;
  /** Standard deviation of the random initial heads, > 0; default `1 / sqrt(m)`. */
  headStd?: number;
  /** Also train the biases b; default true (all parameters). */
  trainBias?: boolean;
  /** Passed to `pretrain` (probes, onRound, onTask, signal). */
  pretrain?: PretrainOptions;
}

/**
 * No head adaptation, end to end (docs: Specification, 'Baselines'): W, b and all T heads
 * trained jointly by plain minibatch SGD from random heads, with no inner head step: the
 * `'joint-sgd'` algorithm of @mtrl/pretrain (so with events, abort and the same engine as the
 * other algorithms). W and b start from the same initial layer as multi-task pretraining with
 * the same key and config init; heads start at `N(0, headStd^2)`. Every step, each task draws
 * `batchSize` fresh samples, its head moves along its own loss gradient and (W, b) along the
 * gradient of the mean loss over tasks, all evaluated at the same parameters. The run is
 * `pretrain(run, source, config')` with `{ run, features } = splitNamed(key, ['run',
 * 'features'])` and `config'` = `setup.config` with `algorithm: 'joint-sgd'`, `rounds: steps`,
 * `n2: batchSize`, `eta: learningRate`, `alpha: headLearningRate`, the momentum as the
 * optimizer and no row normalisation or label centring.
 * @param key - the method's key
 * @param setup - `{ gt, suite, config, inputs?, features? }`; `config.m`, `n1`, `init` and
 *   `dtype` matter
 * @param opts - `{ steps?, batchSize?, learningRate?, headLearningRate?, momentum?, loss?, headStd?, trainBias?, pretrain? }`
 * @returns the representation, with the mean training loss of every step as `losses` and the
 *   run as `pretrain`
 * @throws {TypeError} for a bad key, setup or option type
 * @throws {RangeError} for an invalid config, an empty suite or an option out of range
 * @example
 * const rep = jointSgd(key(2), { gt, suite, config }, { steps: 50 });
 * rep.losses.length; // returns 50
 */
export function jointSgd(
  key: Key,
  setup: BaselineSetup,
  opts: JointSgdOptions = {},
): Representation {
  const op = 'jointSgd';
  const c = checkSetup(op, key, setup);
  const steps = checkInt(op, 'opts.steps', opts.steps ?? 100, { min: 1 });
  const batchSize = checkInt(op, 'opts.batchSize', opts.batchSize ?? 64, { min: 1 });
  const lr = checkNumber(op, 'opts.learningRate', opts.learningRate ?? 1, { min: 0 });
  const headLr = checkNumber(op, 'opts.headLearningRate', opts.headLearningRate ?? lr, {
    min: 0,
  });
  const momentum = checkNumber(op, 'opts.momentum', opts.momentum ?? 0, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const m = c.config.m;
  const headStd = checkNumber(op, 'opts.headStd', opts.headStd ?? 1 / Math.sqrt(m), {
    minExclusive: 0,
  });
  const trainBias = checkBoolean(op, 'opts.trainBias', opts.trainBias ?? true);
  const { head: _head, ...rest } = setup.config;
  const config: PretrainConfig = {
    ...rest,
    algorithm: 'joint-sgd',
    rounds: steps,
    n2: batchSize,
    eta: lr,
    alpha: headLr,
    loss: opts.loss ?? 'logistic',
    optimizer: momentum > 0 ? { kind: 'momentum', momentum } : { kind: 'step' },
    headInit: { kind: 'normal', std: headStd },
    trainBias,
    normalizeRows: false,
    centerLabels: false,
    sampler: 'explicit',
  };
  const res = pretrain(c.run, sourceOf(setup), config, opts.pretrain);
  const losses = res.history.slice(1).map((e) => e.layerLoss);
  return represent(op, key, c, res.layer, { losses, pretrain: res });
}
