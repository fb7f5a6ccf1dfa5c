import { checkFinite, checkObject, checkOneOf, type Epilogue, rangeError } from '@mtrl/tensors';

/**
 * The activation of a layer's hidden units, as plain data (so it is saved with the network and
 * crosses thread boundaries):
 *
 * - `'relu'` (the default when a layer has none): `max(z, 0)`, derivative 1 where z > 0, else
 *   0 (the derivative at 0 is taken as 0);
 * - `{ kind: 'leaky-relu', slope }` with `slope >= 0`: `z` where z > 0, else `slope * z`;
 *   derivative 1 where z > 0, else `slope`;
 * - `'gelu'`: the tanh approximation `z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))`, with its
 *   analytic derivative.
 */
export type Activation = 'relu' | 'gelu' | { readonly kind: 'leaky-relu'; readonly slope: number };

/** The activation names: `'relu'` and `'gelu'` are specs by themselves; `'leaky-relu'` needs a slope. */
export const ACTIVATIONS = ['relu', 'leaky-relu', 'gelu'] as const;

/** An activation's name. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** An activation as functions of the pre-activation z. */
export interface ActivationFunction {
  /** `'relu'`, `'leaky-relu'` or `'gelu'`. */
  readonly name: ActivationName;
  /** The validated spec this was made from (`'relu'` when none was given). */
  readonly spec: Activation;
  /** The activation at z. */
  value(z: number): number;
  /** Its derivative at z. */
  derivative(z: number): number;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

// The value functions reproduce the GEMM epilogue bit for bit in float64: entries <= 0 become
// slope * z + 0 (so -0 becomes +0), NaN is kept.
const RELU: ActivationFunction = {
  name: 'relu',
  spec: 'relu',
  value: (z) => Math.max(z, 0),
  derivative: (z) => (z > 0 ? 1 : 0),
};

const GELU: ActivationFunction = {
  name: 'gelu',
  spec: 'gelu',
  value: (z) => 0.5 * z * (1 + Math.tanh(GELU_C * (z + GELU_K * z * z * z))),
  derivative: (z) => {
    const t = Math.tanh(GELU_C * (z + GELU_K * z * z * z));
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * z * z);
  },
};

function leaky(slope: number): ActivationFunction {
  return {
    name: 'leaky-relu',
    spec: { kind: 'leaky-relu', slope },
    value: (z) => (z <= 0 ? slope * z + 0 : z),
    derivative: (z) => (z > 0 ? 1 : slope),
  };
}

/**
 * Checks an activation spec and returns it normalised (`undefined` reads as `'relu'`).
 *
 * @throws {TypeError} when it is neither a string nor an object, or a slope is not a number
 * @throws {RangeError} for an unknown name or a negative or non-finite slope
 */
export function checkActivation(op: string, name: string, spec: unknown): Activation {
  if (spec === undefined || spec === 'relu') return 'relu';
  if (spec === 'gelu') return 'gelu';
  if (typeof spec === 'string') {
    if (spec === 'leaky-relu') {
      rangeError(op, name, "'relu', 'gelu' or { kind: 'leaky-relu', slope }", spec);
    }
    checkOneOf(op, name, spec, ['relu', 'gelu']);
  }
  const o = checkObject<{ kind?: unknown; slope?: unknown }>(op, name, spec);
  checkOneOf(op, `${name}.kind`, o.kind, ['leaky-relu']);
  const slope = checkFinite(op, `${name}.slope`, o.slope);
  if (slope < 0) rangeError(op, `${name}.slope`, 'a finite number >= 0', slope);
  return { kind: 'leaky-relu', slope };
}

/**
 * The functions of an activation spec (see {@link Activation}); no spec means `'relu'`.
 *
 * @throws {TypeError | RangeError} for a malformed spec (see {@link checkActivation})
 * @example
 * activation('gelu').value(1); // returns 0.8411919906082768
 * activation({ kind: 'leaky-relu', slope: 0.1 }).derivative(-2); // returns 0.1
 */
export function activation(spec?: Activation): ActivationFunction {
  const s = checkActivation('activation', 'spec', spec);
  if (s === 'relu') return RELU;
  if (s === 'gelu') return GELU;
  return leaky(s.slope);
}

/**
 * How the kernels apply an activation: the GEMM epilogue of the forward pass, and whether the
 * first-layer gradient's factor is a step of the hidden features (ReLU family, whose sign is
 * that of z) or needs the derivative at z (any other activation). @internal
 */
export interface ActivationPlan {
  readonly fn: ActivationFunction;
  readonly epilogue: Epilogue;
  /** For the ReLU family, the factor below zero (0 for ReLU); undefined otherwise. */
  readonly stepBelow?: number;
}

/** The plan of an activation spec. @internal */
export function planActivation(op: string, spec: unknown): ActivationPlan {
  const s = checkActivation(op, 'layer.activation', spec);
  if (s === 'relu') return { fn: RELU, epilogue: { kind: 'leaky', slope: 0 }, stepBelow: 0 };
  if (s === 'gelu') return { fn: GELU, epilogue: { kind: 'map', fn: GELU.value } };
  return {
    fn: leaky(s.slope),
    epilogue: { kind: 'leaky', slope: s.slope },
    stepBelow: s.slope,
  };
}
