import { assertLayer, hidden, type Layer } from '@mtrl/network';
import {
  type GroundTruth,
  type InputDistribution,
  projectionBasis,
  sampleTask,
  sampleTaskProjected,
  type Task,
} from '@mtrl/tasks';
import { assertKey, copy, type Key, type Matrix, split, type Vector } from '@mtrl/tensors';
import { checkInt, show } from './_validate.js';
import { fitLinearProbe, type LinearProbe, type LinearProbeOptions } from './fitLinearProbe.js';
import { score } from './score.js';

/** The downstream problem handed to {@link evaluateDownstream}. */
export interface DownstreamSetup {
  /** Frozen features, `x: [n, d] -> [n, p]`: a `FeatureMap` or any function. */
  readonly features: (x: Matrix) => Matrix;
  /** The downstream task (from `drawTask` of @mtrl/tasks). */
  readonly task: Task;
  /** The ground truth the task lives on. */
  readonly gt: GroundTruth;
  /** Input distribution; default gaussian. */
  readonly inputs?: InputDistribution;
  /** Training samples for the probe, >= 1. */
  readonly nTrain: number;
  /** Fresh test samples, >= 1. */
  readonly nTest: number;
  /** Probe hyperparameters (see `fitLinearProbe`). */
  readonly probe?: LinearProbeOptions;
  /**
   * How the train and test samples are drawn: `'explicit'` (default), x in R^d, or
   * `'projected'`, the same law at a cost independent of d (docs: Specification, 'The
   * projected sampler'): the features relu(W' x + b') and the labels depend on x only through
   * u = B x for an orthonormal basis B of the rows of W' and M (k = m + r of them), so u is
   * drawn instead. Needs `features` to be a `FeatureMap` (it carries its layer) and `gaussian`
   * or `mixture` inputs; pays off when nTrain + nTest is well above 4 (m + r).
   */
  readonly sampler?: 'explicit' | 'projected';
}

/** How a representation did on a downstream task. */
export interface DownstreamResult {
  /** Accuracy on the nTest fresh test samples. */
  readonly testAccuracy: number;
  /** Accuracy on the nTrain samples the probe was fitted on. */
  readonly trainAccuracy: number;
  /** Whether the probe's solver reached its tolerance (see `LinearProbe.converged`). */
  readonly converged: boolean;
  readonly iterations: number;
  readonly gradNorm: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** Fraction of +1 labels in the test sample (the accuracy of always guessing is the larger of it and 1 minus it). */
  readonly testPositiveRate: number;
  /** The keys the samples were drawn from, `[train, test] = split(key)`, to reproduce them. */
  readonly keys: { readonly train: Key; readonly test: Key };
  /** The fitted probe. */
  readonly probe: LinearProbe;
}

/**
 * Downstream evaluation (docs: Specification, 'Linear probe'): draws nTrain fresh samples of
 * the task, fits a linear probe on their frozen features, and reports its accuracy on nTest
 * other fresh samples.
 * With `[train, test] = split(key)`, the samples are
 * `sampleTask(train, task, gt, inputs, nTrain)` and `sampleTask(test, task, gt, inputs, nTest)`
 * (float64), so the same key gives the same result; both keys are returned. With
 * `sampler: 'projected'` they are `sampleTaskProjected(train, task, B_M, inputs, nTrain)` (and
 * likewise for test) in the basis `projectionBasis(gt, features.layer.w)`: the same law, other
 * numbers.
 * @param key - the key for the two samples
 * @param setup - `{ features, task, gt, inputs?, nTrain, nTest, probe?, sampler? }`
 * @returns test and train accuracy, the solver's convergence, sizes and keys
 * @throws {TypeError} when features is not a function, or for a bad key, task or option, or
 *   when `sampler: 'projected'` is given features that are not a `FeatureMap`
 * @throws {RangeError} when nTrain or nTest is not an integer >= 1, or the features do not
 *   return one row per sample, or `sampler: 'projected'` meets inputs other than gaussian or
 *   mixture
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * const task = drawTask(key(1), { kind: 'xor', subset: [0, 1] }, gt);
 * const phi = featureMap(key(2), initLayer(key(3), { d: 64, m: 256 }));
 * evaluateDownstream(key(4), { features: phi, task, gt, nTrain: 200, nTest: 2000 }).testAccuracy;
 * // returns about 0.5 for random features on xor
 */
export function evaluateDownstream(key: Key, setup: DownstreamSetup): DownstreamResult {
  const op = 'evaluateDownstream';
  assertKey(op, key);
  if (setup === null || typeof setup !== 'object') {
    throw new TypeError(`${op}: setup must be { features, task, gt, nTrain, nTest, ... }`);
  }
  if (typeof setup.features !== 'function') {
    throw new TypeError(
      `${op}: setup.features must be a function x -> features, got ${show(setup.features)}`,
    );
  }
  const nTrain = checkInt(op, 'setup.nTrain', setup.nTrain, 1);
  const nTest = checkInt(op, 'setup.nTest', setup.nTest, 1);
  const inputs = setup.inputs ?? { kind: 'gaussian' };
  const [train, test] = split(key, 2);
  const draw =
    setup.sampler === undefined || setup.sampler === 'explicit'
      ? (k: Key, n: number) => {
          const s = sampleTask(k, setup.task, setup.gt, inputs, n);
          return { h: checkFeatures(op, setup.features(s.x), n), y: s.y };
        }
      : projectedDraw(op, setup, inputs);
  const trainSample = draw(train, nTrain);
  const testSample = draw(test, nTest);
  const hTrain = trainSample.h;
  const hTest = testSample.h;
  const probe = fitLinearProbe(hTrain, trainSample.y, setup.probe);
  let positive = 0;
  for (let i = 0; i < nTest; i++) if (testSample.y.data[i] > 0) positive++;
  return {
    testAccuracy: score(probe, hTest, testSample.y),
    trainAccuracy: score(probe, hTrain, trainSample.y),
    converged: probe.converged,
    iterations: probe.iterations,
    gradNorm: probe.gradNorm,
    nTrain,
    nTest,
    testPositiveRate: positive / nTest,
    keys: { train, test },
    probe,
  };
}

// The projected sampler: samples drawn as u = B x, features relu(u (W' B^T)^T + b').
function projectedDraw(
  op: string,
  setup: DownstreamSetup,
  inputs: InputDistribution,
): (k: Key, n: number) => { h: Matrix; y: Vector } {
  if (setup.sampler !== 'projected')
    throw new TypeError(
      `${op}: setup.sampler must be 'explicit' or 'projected', got ${show(setup.sampler)}`,
    );
  const layer = (setup.features as { layer?: Layer }).layer;
  if (layer === undefined)
    throw new TypeError(
      `${op}: setup.sampler 'projected' needs setup.features to be a FeatureMap (from featureMap or layerFeatures), which carries the layer it applies; a plain function of x works with the explicit sampler only`,
    );
  assertLayer(op, layer);
  if (inputs.kind !== 'gaussian' && inputs.kind !== 'mixture')
    throw new RangeError(
      `${op}: setup.sampler 'projected' is exact only for gaussian and mixture inputs, got ${show(inputs.kind)} inputs; use the explicit sampler`,
    );
  const basis = projectionBasis(setup.gt, layer.w);
  const reduced = { w: basis.wInBasis, b: copy(layer.b, 'float64') };
  return (k, n) => {
    const s = sampleTaskProjected(k, setup.task, basis.mInBasis, inputs, n);
    return { h: hidden(reduced, s.u), y: s.y };
  };
}

function checkFeatures(op: string, h: unknown, n: number): Matrix {
  const m = h as Matrix | null;
  if (m === null || typeof m !== 'object' || !Array.isArray(m.shape) || m.shape.length !== 2) {
    throw new TypeError(`${op}: setup.features must return a Matrix [n, p], got ${show(h)}`);
  }
  if (m.shape[0] !== n) {
    throw new RangeError(
      `${op}: setup.features returned shape [${m.shape.join(', ')}] for ${n} samples, expected [${n}, p]`,
    );
  }
  return m;
}
