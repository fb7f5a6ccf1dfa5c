import { checkFunction, checkOneOf, checkString, typeError } from '@mtrl/tensors';

/**
 * The losses (docs: Specification, 'Network, losses and gradients'), each a function of a
 * label y in {-1, +1} and an output f.
 */
export type LossName = 'logistic' | 'hinge' | 'square' | 'correlation';

/**
 * A loss `l(y, f)` with its derivative in f: one of {@link LOSSES}, or any object of this shape
 * (a user-written loss works everywhere a loss name does, on the calling thread).
 */
export interface Loss {
  /** A name for records and messages; the built-in ones use their {@link LossName}. */
  readonly name: string;
  /** `l(y, f)`. */
  value(y: number, f: number): number;
  /** dl/df at (y, f). */
  derivative(y: number, f: number): number;
}

// log(1 + exp(-t)) without overflow for large |t|.
function softplusNeg(t: number): number {
  return t > 0 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
}

// 1 / (1 + exp(t)) without overflow.
function sigmoidNeg(t: number): number {
  if (t >= 0) {
    const e = Math.exp(-t);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(t));
}

/** The four losses by name. */
export const LOSSES: Readonly<Record<LossName, Loss>> = {
  /** log(1 + exp(-y f)), evaluated stably; derivative -y sigmoid(-y f). */
  logistic: {
    name: 'logistic',
    value: (y, f) => softplusNeg(y * f),
    derivative: (y, f) => -y * sigmoidNeg(y * f),
  },
  /** max(0, 1 - y f); derivative -y where y f < 1, else 0 (the subgradient at the kink is 0). */
  hinge: {
    name: 'hinge',
    value: (y, f) => Math.max(0, 1 - y * f),
    derivative: (y, f) => (y * f < 1 ? -y : 0),
  },
  /** (y - f)^2 / 2; derivative f - y. */
  square: {
    name: 'square',
    value: (y, f) => 0.5 * (y - f) * (y - f),
    derivative: (y, f) => f - y,
  },
  /** -y f; derivative -y (the loss of the one-step analysis). */
  correlation: {
    name: 'correlation',
    value: (y, f) => -y * f,
    derivative: (y) => -y,
  },
};

/** A loss by name or as an object: what every function taking a loss accepts. */
export type LossSpec = LossName | Loss;

const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/**
 * The loss object for a name.
 *
 * @throws {TypeError} when `name` is not a string
 * @throws {RangeError} for an unknown name
 * @example
 * getLoss('logistic').value(1, 0); // returns Math.LN2
 */
export function getLoss(name: LossName): Loss {
  return LOSSES[checkOneOf('getLoss', 'loss', name, LOSS_NAMES)];
}

/**
 * The loss object for a name, or a user-written {@link Loss} checked and returned as is.
 *
 * @param op - the calling operation, named in errors
 * @throws {TypeError} when `spec` is neither a string nor an object with a string `name` and
 *   `value` and `derivative` functions
 * @throws {RangeError} for an unknown name
 * @example
 * const squaredHinge: Loss = {
 *   name: 'squared-hinge',
 *   value: (y, f) => Math.max(0, 1 - y * f) ** 2,
 *   derivative: (y, f) => -2 * y * Math.max(0, 1 - y * f),
 * };
 * resolveLoss(squaredHinge) === squaredHinge; // true
 */
export function resolveLoss(spec: LossSpec, op = 'resolveLoss'): Loss {
  if (typeof spec === 'string') return LOSSES[checkOneOf(op, 'loss', spec, LOSS_NAMES)];
  if (spec === null || typeof spec !== 'object') {
    typeError(op, 'loss', `one of ${LOSS_NAMES.join(', ')} or a Loss object`, spec);
  }
  checkString(op, 'loss.name', spec.name);
  checkFunction(op, 'loss.value', spec.value);
  checkFunction(op, 'loss.derivative', spec.derivative);
  return spec;
}
