import { assertLayer, type BiasInit, hidden, initBias, type Layer } from '@mtrl/network';
import {
  assertKey,
  assertShape,
  checkBoolean,
  checkNumber,
  checkOptions,
  copy,
  formatValue,
  type Key,
  type Matrix,
  normalizeRows,
} from '@mtrl/tensors';
import { assertFinite, nonFinite } from './_validate.js';

/**
 * Frozen features `phi(x) = relu(x W'^T + b')`, callable as `phi(x)`: `x: [n, d]` (float32
 * or float64) gives `[n, m]` float64. The layer it applies is kept as `layer`.
 */
export interface FeatureMap {
  (x: Matrix): Matrix<'float64'>;
  /** Input dimension d. */
  readonly d: number;
  /** Number of features m. */
  readonly m: number;
  /** The layer applied, `{ w: [m, d], b: [m] }`, float64. */
  readonly layer: Layer<'float64'>;
}

/** Options for {@link featureMap}. */
export interface FeatureMapOptions {
  /** Rescale the rows of W to unit norm (W'); default true. Zero rows stay zero. */
  normalizeRows?: boolean;
  /**
   * The biases b': fresh random ones drawn from the key (default `{ kind: 'normal', std: 0.5 }`,
   * the 0.5-scaled Gaussian biases of the calibration case; docs: Specification, 'Calibration
   * case'), or `'layer'` to keep the layer's own biases.
   */
  bias?: BiasInit | 'layer';
}

// A map of a layer with a NaN or infinite entry can be made (a diverged method's representation
// carries one) but refuses to be applied, naming the entry of the layer as given.
function makeMap(op: string, layer: Layer<'float64'>, given: Layer): FeatureMap {
  const [m, d] = layer.w.shape;
  const problem = nonFinite(op, 'layer.w', given.w) ?? nonFinite(op, 'layer.b', given.b);
  const phi = (x: Matrix): Matrix<'float64'> => {
    if (problem !== undefined) throw new RangeError(problem);
    assertShape(op, 'x', x, [-1, d]);
    assertFinite(op, 'x', x);
    return hidden(layer, x.dtype === 'float64' ? (x as Matrix<'float64'>) : copy(x, 'float64'));
  };
  return Object.assign(phi, { d, m, layer });
}

/**
 * The probe features (docs: Specification, 'Linear probe'): `phi(x) = relu(W' x + b')` with W' the
 * rows of W scaled to unit norm and b' fresh random biases, so that every representation
 * (pretrained, random, oracle) is read out the same way. The layer is copied: later changes to it
 * do not leak in.
 * @param key - draws the fresh biases (unused with `bias: 'layer'` or a zero bias)
 * @param layer - `{ w: [m, d], b: [m] }`, float32 or float64
 * @param opts - `{ normalizeRows?, bias? }`
 * @returns the feature map, `phi(x: [n, d]) -> [n, m]`
 * @throws {TypeError} for a bad key, layer, option type or bias kind
 * @throws {RangeError} for bad bias parameters; the map throws when called on a layer or an x
 *   with a NaN or infinite entry
 * @example
 * const phi = featureMap(key(2), initLayer(key(1), { d: 64, m: 128 }));
 * phi(normal(key(3), [10, 64])).shape; // returns [10, 128]
 */
export function featureMap(key: Key, layer: Layer, opts?: FeatureMapOptions): FeatureMap {
  const op = 'featureMap';
  assertKey(op, key);
  const [m] = assertLayer(op, layer);
  const o = checkOptions(op, opts);
  const unit = checkBoolean(op, 'opts.normalizeRows', o.normalizeRows ?? true);
  const bias = checkBias(op, o.bias ?? { kind: 'normal', std: 0.5 });
  const w64 = copy(layer.w, 'float64');
  const w = unit ? normalizeRows(w64) : w64;
  const b = bias === 'layer' ? copy(layer.b, 'float64') : initBias(key, m, bias, 'float64');
  return makeMap(op, { w, b }, layer);
}

/**
 * The layer's own features `relu(x W^T + b)`, with no row normalisation and no new biases (the
 * raw network representation). The layer is copied.
 * @param layer - `{ w: [m, d], b: [m] }`, float32 or float64
 * @returns the feature map, `phi(x: [n, d]) -> [n, m]`
 * @throws {TypeError} for a malformed layer
 * @throws {RangeError} from the map, when called on a layer or an x with a NaN or infinite entry
 * @example
 * const phi = layerFeatures({ w: fromArray([[1, 0], [0, -1]]), b: fromArray([0, 1]) });
 * toArray(phi(fromArray([[2, 3]]))); // returns [[2, 0]]
 */
export function layerFeatures(layer: Layer): FeatureMap {
  const op = 'layerFeatures';
  assertLayer(op, layer);
  return makeMap(op, { w: copy(layer.w, 'float64'), b: copy(layer.b, 'float64') }, layer);
}

function checkBias(op: string, bias: unknown): BiasInit | 'layer' {
  if (bias === 'layer') return bias;
  const b = bias as { kind?: unknown; std?: unknown; low?: unknown; high?: unknown } | null;
  switch (b?.kind) {
    case 'zero':
      return { kind: 'zero' };
    case 'normal':
      return { kind: 'normal', std: checkNumber(op, 'opts.bias.std', b.std, { min: 0 }) };
    case 'uniform': {
      const low = checkNumber(op, 'opts.bias.low', b.low);
      const high = checkNumber(op, 'opts.bias.high', b.high);
      if (!(low < high)) {
        throw new RangeError(`${op}: opts.bias needs low < high, got low=${low}, high=${high}`);
      }
      return { kind: 'uniform', low, high };
    }
    default: {
      const what = `${op}: opts.bias must be 'layer' or { kind: 'zero' | 'normal' | 'uniform', ... }`;
      if (typeof b?.kind === 'string' || typeof bias === 'string')
        throw new RangeError(
          `${what}, got ${formatValue(typeof bias === 'string' ? bias : b?.kind)}`,
        );
      throw new TypeError(`${what}, got ${formatValue(bias)}`);
    }
  }
}
