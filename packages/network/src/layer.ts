import {
  assertKey,
  assertShape,
  assertTensor,
  checkFinite,
  checkInt,
  checkNumber,
  checkObject,
  checkOneOf,
  checkSize,
  type DType,
  formatValue,
  type Key,
  type Matrix,
  normal,
  normalizeRows,
  scaleInto,
  split,
  uniform,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { type Activation, checkActivation } from './activation.js';

/**
 * The shared first layer of the two-layer network, `f_t(x) = sum_j a_{t,j} phi(<w_j, x> + b_j)`:
 * `w: [m, d]` (rows w_j) and `b: [m]`, shared by all tasks, and the activation phi (ReLU when
 * absent). Heads `a_t: [m]` live apart.
 */
export interface Layer<D extends DType = DType> {
  readonly w: Matrix<D>;
  readonly b: Vector<D>;
  /** The hidden units' activation; `'relu'` when absent (see {@link Activation}). */
  readonly activation?: Activation;
}

/** How the biases b_j are initialised. */
export type BiasInit =
  | { kind: 'zero' }
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; low: number; high: number };

/** Options for {@link initLayer}. */
export interface InitLayerOptions<D extends DType = DType> {
  /** Input dimension d. */
  d: number;
  /** Hidden width m. */
  m: number;
  /** `'gaussian'`: `w_j ~ N(0, I_d / d)` (default); `'sphere'`: uniform on the unit sphere. */
  weights?: 'gaussian' | 'sphere';
  /** Bias initialisation; default `{ kind: 'zero' }`. */
  bias?: BiasInit;
  /** Element type; default `'float64'`. */
  dtype?: D;
  /**
   * The activation; default `'relu'` (then the layer has no `activation` field, as before).
   * It does not change the random draws: the same key gives the same `w` and `b`.
   */
  activation?: Activation;
}

/**
 * A freshly initialised first layer (docs: Specification, 'Network, losses and gradients').
 *
 * @param k - key; the weights and biases use independent streams split from it
 * @returns `{ w: [m, d], b: [m] }`
 * @throws {TypeError} for an argument of the wrong type (a key that is not a Key, sizes that are
 *   not numbers, a bias that is not an object)
 * @throws {RangeError} for bad sizes, an unknown weight, bias or activation scheme, or bad bias
 *   parameters
 * @example
 * const layer = initLayer(key(0), { d: 64, m: 128, bias: { kind: 'normal', std: 0.5 } });
 * const leaky = initLayer(key(0), { d: 64, m: 128, activation: { kind: 'leaky-relu', slope: 0.1 } });
 */
export function initLayer<D extends DType = 'float64'>(
  k: Key,
  opts: InitLayerOptions<D>,
): Layer<D> {
  assertKey('initLayer', k);
  checkObject('initLayer', 'options', opts);
  const d = checkInt('initLayer', 'd', opts.d, { min: 1 });
  const m = checkSize('initLayer', 'm', opts.m);
  const act =
    opts.activation === undefined
      ? undefined
      : checkActivation('initLayer', 'activation', opts.activation);
  const dtype = (opts.dtype ?? 'float64') as D;
  const [kw, kb] = split(k);
  const scheme = checkOneOf('initLayer', 'weights', opts.weights ?? 'gaussian', [
    'gaussian',
    'sphere',
  ]);
  let w: Matrix<D>;
  if (scheme === 'gaussian') {
    w = normal(kw, [m, d] as const, { dtype });
    scaleInto(w, 1 / Math.sqrt(d));
  } else {
    w = normalizeRows(normal(kw, [m, d] as const, { dtype }));
  }
  const b = initBias(kb, m, opts.bias ?? { kind: 'zero' }, dtype);
  return act === undefined ? { w, b } : { w, b, activation: act };
}

/**
 * Biases drawn from a {@link BiasInit}.
 *
 * @returns `[m]`
 */
export function initBias<D extends DType>(k: Key, m: number, bias: BiasInit, dtype: D): Vector<D> {
  const spec = checkObject<{ kind?: unknown }>('initBias', 'bias', bias);
  const kind = checkOneOf('initBias', 'bias.kind', spec.kind, ['zero', 'normal', 'uniform']);
  switch (kind) {
    case 'zero':
      return zeros([m] as const, { dtype });
    case 'normal': {
      const std = checkNumber('initBias', 'bias.std', (bias as { std?: unknown }).std, { min: 0 });
      const b = normal(k, [m] as const, { dtype });
      scaleInto(b, std);
      return b;
    }
    default: {
      const u = bias as { low?: unknown; high?: unknown };
      const low = checkFinite('initBias', 'bias.low', u.low);
      const high = checkFinite('initBias', 'bias.high', u.high);
      return uniform(k, [m] as const, { dtype, low, high });
    }
  }
}

/**
 * Checks that `layer` is `{ w: [m, d], b: [m], activation? }` with one dtype and a valid
 * activation; returns `[m, d]`.
 *
 * @throws {TypeError} when it is not an object or a field has the wrong type
 * @throws {RangeError} for mismatched shapes or dtypes or an unknown activation
 */
export function assertLayer(op: string, layer: Layer): [number, number] {
  if (layer === null || typeof layer !== 'object')
    throw new TypeError(`${op}: layer must be { w, b }, got ${formatValue(layer)}`);
  assertTensor(op, 'layer.w', layer.w, 2);
  const [m, d] = layer.w.shape;
  assertShape(op, 'layer.b', layer.b, [m]);
  if (layer.b.dtype !== layer.w.dtype) {
    throw new RangeError(
      `${op}: dtype mismatch: layer.b is ${layer.b.dtype} but layer.w is ${layer.w.dtype}`,
    );
  }
  if (layer.activation !== undefined) checkActivation(op, 'layer.activation', layer.activation);
  return [m, d];
}
