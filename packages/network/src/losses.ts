/**
 * The losses (docs: Specification, 'Network, losses and gradients'), each a function of a
 * label y in {-1, +1} and an output f.
 */
export type LossName = 'logistic' | 'hinge' | 'square' | 'correlation';

/** A loss l(y, f) with its derivative in f. */
export interface Loss {
  readonly name: LossName;
  /** l(y, f). */
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

/**
 * The loss object for a name.
 *
 * @throws {TypeError} for an unknown name
 * @example
 * getLoss('logistic').value(1, 0); // returns Math.LN2
 */
export function getLoss(name: LossName): Loss {
  const loss = (LOSSES as Record<string, Loss>)[name];
  if (loss === undefined) {
    throw new TypeError(
      `getLoss: loss must be one of ${Object.keys(LOSSES).join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  return loss;
}
