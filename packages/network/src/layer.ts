import {
  assertShape,
  assertTensor,
  checkFinite,
  checkSize,
  type DType,
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

/**
 * The shared first layer of the two-layer ReLU network, f_t(x) = sum_j a_{t,j} relu(<w_j, x> + b_j):
 * `w: [m, d]` (rows w_j) and `b: [m]`, shared by all tasks. Heads `a_t: [m]` live apart.
 */
export interface Layer<D extends DType = DType> {
  readonly w: Matrix<D>;
  readonly b: Vector<D>;
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
  /** `'gaussian'`: w_j ~ N(0, I_d / d) (default); `'sphere'`: uniform on the unit sphere. */
  weights?: 'gaussian' | 'sphere';
  /** Bias initialisation; default `{ kind: 'zero' }`. */
  bias?: BiasInit;
  /** Element type; default `'float64'`. */
  dtype?: D;
}

/**
 * A freshly initialised first layer (docs: Specification, 'Network, losses and gradients').
 *
 * @param k - key; the weights and biases use independent streams split from it
 * @returns `{ w: [m, d], b: [m] }`
 * @throws {RangeError} for bad sizes or bias parameters
 * @throws {TypeError} for an unknown weight or bias scheme
 * @example
 * const layer = initLayer(key(0), { d: 64, m: 128, bias: { kind: 'normal', std: 0.5 } });
 */
export function initLayer<D extends DType = 'float64'>(
  k: Key,
  opts: InitLayerOptions<D>,
): Layer<D> {
  const d = checkSize('initLayer', 'd', opts.d);
  const m = checkSize('initLayer', 'm', opts.m);
  if (d < 1) throw new RangeError('initLayer: d must be at least 1');
  const dtype = (opts.dtype ?? 'float64') as D;
  const [kw, kb] = split(k);
  const scheme = opts.weights ?? 'gaussian';
  let w: Matrix<D>;
  if (scheme === 'gaussian') {
    w = normal(kw, [m, d] as const, { dtype });
    scaleInto(w, 1 / Math.sqrt(d));
  } else if (scheme === 'sphere') {
    w = normalizeRows(normal(kw, [m, d] as const, { dtype }));
  } else {
    throw new TypeError(
      `initLayer: weights must be 'gaussian' or 'sphere', got ${JSON.stringify(scheme)}`,
    );
  }
  return { w, b: initBias(kb, m, opts.bias ?? { kind: 'zero' }, dtype) };
}

/**
 * Biases drawn from a {@link BiasInit}.
 *
 * @returns `[m]`
 */
export function initBias<D extends DType>(k: Key, m: number, bias: BiasInit, dtype: D): Vector<D> {
  switch (bias?.kind) {
    case 'zero':
      return zeros([m] as const, { dtype });
    case 'normal': {
      const std = checkFinite('initBias', 'bias.std', bias.std);
      if (std < 0) throw new RangeError(`initBias: bias.std must be >= 0, got ${std}`);
      const b = normal(k, [m] as const, { dtype });
      scaleInto(b, std);
      return b;
    }
    case 'uniform': {
      const low = checkFinite('initBias', 'bias.low', bias.low);
      const high = checkFinite('initBias', 'bias.high', bias.high);
      return uniform(k, [m] as const, { dtype, low, high });
    }
    default:
      throw new TypeError(
        `initBias: bias.kind must be 'zero', 'normal' or 'uniform', got ${JSON.stringify((bias as { kind?: unknown })?.kind)}`,
      );
  }
}

/**
 * Checks that `layer` is `{ w: [m, d], b: [m] }` with one dtype; returns `[m, d]`.
 *
 * @throws {TypeError | RangeError} naming the operation and the bad field
 */
export function assertLayer(op: string, layer: Layer): [number, number] {
  if (layer === null || typeof layer !== 'object')
    throw new TypeError(`${op}: layer must be { w, b }`);
  assertTensor(op, 'layer.w', layer.w, 2);
  const [m, d] = layer.w.shape;
  assertShape(op, 'layer.b', layer.b, [m]);
  if (layer.b.dtype !== layer.w.dtype) {
    throw new TypeError(`${op}: layer.b is ${layer.b.dtype} but layer.w is ${layer.w.dtype}`);
  }
  return [m, d];
}
