import { assertLayer, hidden, type Layer } from '@mtrl/network';
import {
  type GroundTruth,
  type InputDistribution,
  projectionBasis,
  sampleTask,
  sampleTaskProjected,
  type Task,
} from '@mtrl/tasks';
import {
  assertKey,
  checkInt,
  copy,
  formatValue,
  type Key,
  type Matrix,
  split,
  type Vector,
} from '@mtrl/tensors';
import { fitLinearProbe, type LinearProbe, type LinearProbeOptions } from './fitLinearProbe.js';
import { isProbe, type Predictor, type Probe } from './probe.js';
import { score } from './score.js';

/** The downstream problem handed to {@link evaluateDownstream}. */
export interface DownstreamSetup<P extends Predictor = LinearProbe> {
  /** Frozen features, `x: [n, d] -> [n, p]`: a `FeatureMap` or any function. */
  readonly features: (x: Matrix) => Matrix;
  /** The downstream task (from `drawTask` or `taskSuite` of @mtrl/tasks, any family). */
  readonly task: Task;
  /** The ground truth the task lives on. */
  readonly gt: GroundTruth;
  /** Input distribution; default gaussian. */
  readonly inputs?: InputDistribution;
  /** Training samples for the probe, >= 1. */
  readonly nTrain: number;
  /** Fresh test samples, >= 1. */
  readonly nTest: number;
  /**
   * The probe: any {@link Probe} (`linearProbe(opts)`, `kernelRidgeProbe(opts)` or your own),
   * or the linear probe's options (see `fitLinearProbe`); default the logistic linear probe.
   */
  readonly probe?: Probe<P> | LinearProbeOptions;
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
export interface DownstreamResult<P extends Predictor = LinearProbe> {
  /** Accuracy on the nTest fresh test samples. */
  readonly testAccuracy: number;
  /** Accuracy on the nTrain samples the probe was fitted on. */
  readonly trainAccuracy: number;
  /**
   * Whether the probe's solver reached its tolerance (see `LinearProbe.converged`); true for a
   * predictor that does not report `converged`.
   */
  readonly converged: boolean;
  /** The predictor's `iterations`; 0 when it does not report any. */
  readonly iterations: number;
  /** The predictor's `gradNorm`; NaN when it does not report one. */
  readonly gradNorm: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** Fraction of +1 labels in the test sample (the accuracy of always guessing is the larger of it and 1 minus it). */
  readonly testPositiveRate: number;
  /**
   * The keys the samples were drawn from and the key given to `probe.fit`,
   * `[train, test, probe] = split(key, 3)` (so train and test are `split(key)`), to reproduce
   * them.
   */
  readonly keys: { readonly train: Key; readonly test: Key; readonly probe: Key };
  /** The fitted probe. */
  readonly probe: P;
}

/**
 * Downstream evaluation (docs: Specification, 'Linear probe'): draws nTrain fresh samples of
 * the task, fits a probe (the linear probe by default, or `setup.probe`) on their frozen
 * features, and reports its accuracy on nTest other fresh samples.
 * With `[train, test, probe] = split(key, 3)`, the samples are
 * `sampleTask(train, task, gt, inputs, nTrain)` and `sampleTask(test, task, gt, inputs, nTest)`
 * (float64), so the same key gives the same result; both keys are returned. With
 * `sampler: 'projected'` they are `sampleTaskProjected(train, task, B_M, inputs, nTrain)` (and
 * likewise for test) in the basis `projectionBasis(gt, features.layer.w)`: the same law, other
 * numbers; a `Probe` is fitted as `probe.fit(probe key, trainFeatures, trainLabels)`.
 * @param key - the key for the two samples and the probe
 * @param setup - `{ features, task, gt, inputs?, nTrain, nTest, probe?, sampler? }`
 * @returns test and train accuracy, the solver's convergence, sizes, keys and the fitted probe
 * @throws {TypeError} when features is not a function, or for a bad key, task or option, or
 *   when `sampler: 'projected'` is given features that are not a `FeatureMap`, or a probe's fit
 *   returns no Predictor
 * @throws {RangeError} when nTrain or nTest is not an integer >= 1, or the features do not
 *   return one row per sample, or `sampler: 'projected'` meets inputs other than gaussian or
 *   mixture, or the sampler name is unknown
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * const task = drawTask(key(1), { kind: 'xor', subset: [0, 1] }, gt);
 * const phi = featureMap(key(2), initLayer(key(3), { d: 64, m: 256 }));
 * evaluateDownstream(key(4), { features: phi, task, gt, nTrain: 200, nTest: 2000 }).testAccuracy;
 * // returns about 0.5 for random features on xor
 */
export function evaluateDownstream<P extends Predictor = LinearProbe>(
  key: Key,
  setup: DownstreamSetup<P>,
): DownstreamResult<P> {
  const op = 'evaluateDownstream';
  assertKey(op, key);
  if (setup === null || typeof setup !== 'object') {
    throw new TypeError(`${op}: setup must be { features, task, gt, nTrain, nTest, ... }`);
  }
  if (typeof setup.features !== 'function') {
    throw new TypeError(
      `${op}: setup.features must be a function x -> features, got ${formatValue(setup.features)}`,
    );
  }
  const nTrain = checkInt(op, 'setup.nTrain', setup.nTrain, { min: 1 });
  const nTest = checkInt(op, 'setup.nTest', setup.nTest, { min: 1 });
  const inputs = setup.inputs ?? { kind: 'gaussian' };
  // split(key, 3)[i] = split(key)[i] for i < 2: the samples are those of the linear-only API.
  const [train, test, probeKey] = split(key, 3);
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
  const probe = fitProbe(op, setup.probe, probeKey, hTrain, trainSample.y) as P;
  let positive = 0;
  for (let i = 0; i < nTest; i++) if (testSample.y.data[i] > 0) positive++;
  return {
    testAccuracy: score(probe, hTest, testSample.y),
    trainAccuracy: score(probe, hTrain, trainSample.y),
    converged: typeof probe.converged === 'boolean' ? probe.converged : true,
    iterations: typeof probe.iterations === 'number' ? probe.iterations : 0,
    gradNorm: typeof probe.gradNorm === 'number' ? probe.gradNorm : Number.NaN,
    nTrain,
    nTest,
    testPositiveRate: positive / nTest,
    keys: { train, test, probe: probeKey },
    probe,
  };
}

function fitProbe(
  op: string,
  probe: Probe | LinearProbeOptions | undefined,
  key: Key,
  h: Matrix,
  y: Vector,
): Predictor {
  if (!isProbe(probe)) return fitLinearProbe(h, y, probe);
  const fitted: unknown = probe.fit(key, h, y);
  if (typeof (fitted as Partial<Predictor> | null)?.decision !== 'function') {
    throw new TypeError(
      `${op}: setup.probe.fit must return a Predictor (an object with decision(features)), got ${formatValue(fitted)}`,
    );
  }
  return fitted as Predictor;
}

// The projected sampler: samples drawn as u = B x, features relu(u (W' B^T)^T + b').
function projectedDraw(
  op: string,
  setup: DownstreamSetup<Predictor>,
  inputs: InputDistribution,
): (k: Key, n: number) => { h: Matrix; y: Vector } {
  if (setup.sampler !== 'projected')
    throw new (typeof setup.sampler === 'string' ? RangeError : TypeError)(
      `${op}: setup.sampler must be 'explicit' or 'projected', got ${formatValue(setup.sampler)}`,
    );
  const layer = (setup.features as { layer?: Layer }).layer;
  if (layer === undefined)
    throw new TypeError(
      `${op}: setup.sampler 'projected' needs setup.features to be a FeatureMap (from featureMap or layerFeatures), which carries the layer it applies; a plain function of x works with the explicit sampler only`,
    );
  assertLayer(op, layer);
  if (inputs.kind !== 'gaussian' && inputs.kind !== 'mixture')
    throw new RangeError(
      `${op}: setup.sampler 'projected' is exact only for gaussian and mixture inputs, got ${formatValue(inputs.kind)} inputs; use the explicit sampler`,
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
    throw new TypeError(`${op}: setup.features must return a Matrix [n, p], got ${formatValue(h)}`);
  }
  if (m.shape[0] !== n) {
    throw new RangeError(
      `${op}: setup.features returned shape [${m.shape.join(', ')}] for ${n} samples, expected [${n}, p]`,
    );
  }
  return m;
}
