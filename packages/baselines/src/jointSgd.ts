import { type Layer, type LossName, lossAndGrads } from '@mtrl/network';
import { applyUpdatesInto, type Params, sgd } from '@mtrl/optim';
import { pretrain } from '@mtrl/pretrain';
import { batchKey } from '@mtrl/tasks';
import {
  axpyInto,
  copyInto,
  type Key,
  type Matrix,
  normal,
  row,
  scaleInto,
  split,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { checkSetup, represent, sourceOf } from './_setup.js';
import { checkInt, checkNumber } from './_validate.js';
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
}

/**
 * No head adaptation, end to end (docs: Specification, 'Baselines'): W, b and all T heads
 * trained jointly by plain minibatch SGD from random heads, with no inner head step. W and b
 * start from the same initial layer as multi-task pretraining (the config's seed and init); heads
 * start at N(0, headStd^2). Every step, each task draws `batchSize` fresh samples, its head moves
 * along its own loss gradient and (W, b) along the gradient of the mean loss over tasks, all
 * evaluated at the same parameters (gradients from @mtrl/network, updates by `sgd` of
 * @mtrl/optim). Sample keys: `batchKey(data, step, t, 'sgd')` with
 * `[method, features] = split(key)` and `[data, heads] = split(method)`.
 * @param key - the key
 * @param setup - `{ gt, suite, config, inputs?, features? }`; `config.m`, `init`, `dtype`,
 *   `seed` matter
 * @param opts - `{ steps?, batchSize?, learningRate?, headLearningRate?, momentum?, loss?, headStd?, trainBias? }`
 * @returns the representation, with the mean training loss of every step as `losses`
 * @throws {TypeError} for a bad key or setup
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
  const steps = checkInt(op, 'opts.steps', opts.steps ?? 100, 1);
  const batchSize = checkInt(op, 'opts.batchSize', opts.batchSize ?? 64, 1);
  const lr = checkNumber(op, 'opts.learningRate', opts.learningRate ?? 1, 0);
  const headLr = checkNumber(op, 'opts.headLearningRate', opts.headLearningRate ?? lr, 0);
  const momentum = checkNumber(op, 'opts.momentum', opts.momentum ?? 0, 0);
  if (momentum >= 1)
    throw new RangeError(`${op}: opts.momentum must be in [0, 1), got ${momentum}`);
  const loss = opts.loss ?? 'logistic';
  const m = c.config.m;
  const headStd = checkNumber(op, 'opts.headStd', opts.headStd ?? 1 / Math.sqrt(m), 0, true);
  const trainBias = opts.trainBias ?? true;
  if (typeof trainBias !== 'boolean')
    throw new TypeError(`${op}: opts.trainBias must be a boolean`);

  const source = sourceOf(setup);
  const T = source.tasks;
  const dtype = c.config.dtype;
  // The multi-task run's initial layer: pretrain with zero rounds.
  const layer: Layer = pretrain(source, { ...setup.config, rounds: 0 }).layer;
  const [kData, kHeads] = split(c.method, 2);
  const heads = normal(kHeads, [T, m] as const, { dtype });
  scaleInto(heads, headStd);

  const withMomentum = momentum > 0 ? { momentum } : {};
  const layerOpt = sgd(lr, withMomentum);
  const headOpt = sgd(headLr, withMomentum);
  const layerParams: Params = trainBias ? { w: layer.w, b: layer.b } : { w: layer.w };
  let layerState = layerOpt.init(layerParams);
  let headState = headOpt.init({ heads });
  const gradW = zeros(layer.w.shape, { dtype });
  const gradB = zeros(layer.b.shape, { dtype });
  const gradHeads = zeros([T, m] as const, { dtype });
  const losses: number[] = [];

  for (let s = 0; s < steps; s++) {
    gradW.data.fill(0);
    gradB.data.fill(0);
    let total = 0;
    for (let t = 0; t < T; t++) {
      const batch = source.sample(t, batchKey(kData, s, t, 'sgd'), batchSize, dtype);
      const g = lossAndGrads(layer, row(heads, t) as Vector, batch, loss, { b: trainBias });
      axpyInto(gradW, 1 / T, g.w as Matrix);
      if (trainBias) axpyInto(gradB, 1 / T, g.b as Vector);
      copyInto(row(gradHeads, t), g.head as Vector);
      total += g.loss / T;
    }
    losses.push(total);
    const [layerUpdates, nextLayer] = layerOpt.update(
      trainBias ? { w: gradW, b: gradB } : { w: gradW },
      layerState,
      layerParams,
    );
    layerState = nextLayer;
    const [headUpdates, nextHeads] = headOpt.update({ heads: gradHeads }, headState, { heads });
    headState = nextHeads;
    applyUpdatesInto(layerParams, layerUpdates);
    applyUpdatesInto({ heads }, headUpdates);
  }
  return represent(op, key, c, layer, { losses });
}
