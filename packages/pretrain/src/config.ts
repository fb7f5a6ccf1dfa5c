import type { BiasInit, LossName } from '@mtrl/network';
import type { DType } from '@mtrl/tensors';

/** How each task's head is adapted on its n1 samples before the layer step (docs: Specification, 'Head updates'). */
export type HeadUpdate =
  /** `steps` gradient steps of size alpha from the current head (default one step). */
  | { mode: 'step'; steps?: number }
  /** Minimise the head's L2-regularised convex loss on S1 to a gradient-norm tolerance. */
  | { mode: 'fit'; l2?: number; tol?: number; maxIter?: number }
  /** Never adapted: heads stay at their initial value (a baseline). */
  | { mode: 'fixed' };

/** Initial value of the task heads. */
export type HeadInit = { kind: 'zero' } | { kind: 'normal'; std: number };

/** The optimizer applied to the averaged first-layer gradient G / T. */
export type LayerOptimizer =
  /** W <- W - eta * G / T (default). */
  | { kind: 'step' }
  /** SGD with momentum (optionally Nesterov) and learning rate eta. */
  | { kind: 'momentum'; momentum: number; nesterov?: boolean }
  /** Adam with learning rate eta. */
  | { kind: 'adam'; b1?: number; b2?: number; eps?: number };

/**
 * How a round draws its samples (docs: Specification, 'The projected sampler'):
 * - `'explicit'`: every task's n1 + n2 inputs x in R^d, as the algorithm is written.
 * - `'projected'`: the same algorithm, exact in law, at a cost per task independent of d. Each
 *   round takes an orthonormal basis B (`[k, d]`, k = m + r) of the rows of W and M; every
 *   task draws u = B x (n x k normals), which is all that its features and labels depend on,
 *   and the part of the layer gradient orthogonal to B, which given the tasks' samples is a
 *   Gaussian matrix, is drawn once per round. Exact for `gaussian` and `mixture` inputs only;
 *   needs a source with `projected` (as `suiteSource` has). Its random numbers differ from the
 *   explicit sampler's: the two agree in distribution, not bit for bit.
 */
export type Sampler = 'explicit' | 'projected';

/** Every knob of multi-task pretraining, in one typed, JSON-serialisable record. */
export interface PretrainConfig {
  /** Hidden width m. */
  m: number;
  /** Samples per task for the head update (S1). */
  n1: number;
  /** Fresh samples per task for the layer gradient (S2). */
  n2: number;
  /** Head step size alpha. */
  alpha: number;
  /** Layer step size eta (a large "one big step" value such as 1000 in the one-round setting). */
  eta: number;
  /** Rounds K. */
  rounds: number;
  /** Loss; default `'correlation'`, the loss of the analysis. */
  loss?: LossName;
  /** Head update; default `{ mode: 'step', steps: 1 }`. */
  head?: HeadUpdate;
  /** Initial heads; default zero. */
  headInit?: HeadInit;
  /** Optimizer for W (and b when trained); default a plain step. */
  optimizer?: LayerOptimizer;
  /** Also update the biases b with the layer step; default false. */
  trainBias?: boolean;
  /** Rescale every row of W to unit norm after each layer step; default false. */
  normalizeRows?: boolean;
  /**
   * Centre the labels within each sample set, y - mean(y) on S1 and on S2 separately (which
   * keeps the two noises independent); default false. Unbalanced tasks (|E y| large, as with
   * biased teacher tasks) otherwise let the constant part E[y]^2 of the label kernel dominate
   * the update, and recovery fails. Needs a loss defined for real labels: 'correlation' or
   * 'square'.
   */
  centerLabels?: boolean;
  /** First-layer initialisation; defaults: gaussian rows N(0, I/d), zero biases. */
  init?: { weights?: 'gaussian' | 'sphere'; bias?: BiasInit };
  /** Element type of all tensors; default `'float64'`. */
  dtype?: DType;
  /**
   * How samples are drawn: `'explicit'` (default) or `'projected'` (the same algorithm in law,
   * at a cost per task independent of d; Gaussian and mixture inputs only). See {@link Sampler}.
   */
  sampler?: Sampler;
  /** The run's seed: one seed reproduces a run bit for bit. */
  seed: number;
}

/**
 * Mean over a suite's tasks of |E y| above which the labels' constant part dominates the layer
 * update and pretraining warns (unless `centerLabels` is set).
 */
export const UNBALANCED_LABELS = 0.3;

/** A config with every default filled in. */
export type ResolvedPretrainConfig = Required<Omit<PretrainConfig, 'init'>> & {
  init: { weights: 'gaussian' | 'sphere'; bias: BiasInit };
};

const LOSS_NAMES = ['logistic', 'hinge', 'square', 'correlation'];
const KNOWN = new Set([
  'm',
  'n1',
  'n2',
  'alpha',
  'eta',
  'rounds',
  'loss',
  'head',
  'headInit',
  'optimizer',
  'trainBias',
  'normalizeRows',
  'centerLabels',
  'init',
  'dtype',
  'sampler',
  'seed',
]);

/**
 * Checks a pretraining config and fills in the defaults. Every bad field is reported in one
 * error, so a user fixes a config in one pass.
 *
 * @throws {RangeError} listing each bad field with what was expected
 * @example
 * resolveConfig({ m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, seed: 0 });
 */
export function resolveConfig(config: PretrainConfig): ResolvedPretrainConfig {
  const errors: string[] = [];
  const c = (config ?? {}) as Partial<PretrainConfig> & Record<string, unknown>;
  if (config === null || typeof config !== 'object')
    throw new RangeError('pretrain: config must be an object');
  for (const k of Object.keys(c)) if (!KNOWN.has(k)) errors.push(`${k}: unknown field`);
  const posInt = (name: keyof PretrainConfig, min = 1) => {
    const v = c[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      errors.push(`${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  const finite = (name: string, v: unknown, nonNeg = true) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (nonNeg && v < 0))
      errors.push(
        `${name}: expected a finite number${nonNeg ? ' >= 0' : ''}, got ${JSON.stringify(v)}`,
      );
  };
  posInt('m');
  posInt('n1');
  posInt('n2');
  posInt('rounds', 0);
  finite('alpha', c.alpha);
  finite('eta', c.eta);
  if (typeof c.seed !== 'number' || !Number.isSafeInteger(c.seed) || c.seed < 0)
    errors.push(`seed: expected an integer in [0, 2^53 - 1], got ${JSON.stringify(c.seed)}`);
  const loss = c.loss ?? 'correlation';
  if (!LOSS_NAMES.includes(loss))
    errors.push(`loss: expected one of ${LOSS_NAMES.join(', ')}, got ${JSON.stringify(loss)}`);
  const head: HeadUpdate = c.head ?? { mode: 'step', steps: 1 };
  if (head?.mode === 'step') {
    const s = head.steps ?? 1;
    if (!Number.isInteger(s) || s < 1)
      errors.push(`head.steps: expected an integer >= 1, got ${JSON.stringify(s)}`);
  } else if (head?.mode === 'fit') {
    if (loss !== 'logistic' && loss !== 'square')
      errors.push(
        `head.mode: 'fit' needs a loss with a unique minimiser ('logistic' or 'square'), got loss ${JSON.stringify(loss)}`,
      );
    if (head.l2 !== undefined) finite('head.l2', head.l2);
    if (head.tol !== undefined) finite('head.tol', head.tol);
    if (head.maxIter !== undefined && (!Number.isInteger(head.maxIter) || head.maxIter < 1))
      errors.push(`head.maxIter: expected an integer >= 1, got ${JSON.stringify(head.maxIter)}`);
  } else if (head?.mode !== 'fixed') {
    errors.push(
      `head.mode: expected 'step', 'fit' or 'fixed', got ${JSON.stringify((head as { mode?: unknown })?.mode)}`,
    );
  }
  const headInit: HeadInit = c.headInit ?? { kind: 'zero' };
  if (headInit?.kind === 'normal') finite('headInit.std', headInit.std);
  else if (headInit?.kind !== 'zero')
    errors.push(
      `headInit.kind: expected 'zero' or 'normal', got ${JSON.stringify((headInit as { kind?: unknown })?.kind)}`,
    );
  if (head?.mode === 'fixed' && headInit?.kind === 'zero')
    errors.push(
      `headInit: fixed zero heads give a zero layer gradient; use headInit { kind: 'normal', std } with head mode 'fixed'`,
    );
  const optimizer: LayerOptimizer = c.optimizer ?? { kind: 'step' };
  if (optimizer?.kind === 'momentum') {
    if (
      typeof optimizer.momentum !== 'number' ||
      !(optimizer.momentum >= 0 && optimizer.momentum < 1)
    )
      errors.push(
        `optimizer.momentum: expected a number in [0, 1), got ${JSON.stringify(optimizer.momentum)}`,
      );
  } else if (optimizer?.kind === 'adam') {
    for (const [k, lo, hi] of [
      ['b1', 0, 1],
      ['b2', 0, 1],
    ] as const) {
      const v = optimizer[k];
      if (v !== undefined && !(v >= lo && v < hi))
        errors.push(`optimizer.${k}: expected a number in [0, 1), got ${JSON.stringify(v)}`);
    }
    if (optimizer.eps !== undefined && !(optimizer.eps > 0))
      errors.push(`optimizer.eps: expected a number > 0, got ${JSON.stringify(optimizer.eps)}`);
  } else if (optimizer?.kind !== 'step') {
    errors.push(
      `optimizer.kind: expected 'step', 'momentum' or 'adam', got ${JSON.stringify((optimizer as { kind?: unknown })?.kind)}`,
    );
  }
  const dtype = c.dtype ?? 'float64';
  if (dtype !== 'float32' && dtype !== 'float64')
    errors.push(`dtype: expected 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  const sampler = c.sampler ?? 'explicit';
  if (sampler !== 'explicit' && sampler !== 'projected')
    errors.push(`sampler: expected 'explicit' or 'projected', got ${JSON.stringify(sampler)}`);
  if (c.centerLabels === true && loss !== 'correlation' && loss !== 'square')
    errors.push(
      `centerLabels: centred labels are real numbers, so the loss must be 'correlation' or 'square', got loss ${JSON.stringify(loss)}`,
    );
  for (const k of ['trainBias', 'normalizeRows', 'centerLabels'] as const) {
    if (c[k] !== undefined && typeof c[k] !== 'boolean')
      errors.push(`${k}: expected a boolean, got ${JSON.stringify(c[k])}`);
  }
  const weights = c.init?.weights ?? 'gaussian';
  if (weights !== 'gaussian' && weights !== 'sphere')
    errors.push(`init.weights: expected 'gaussian' or 'sphere', got ${JSON.stringify(weights)}`);
  const bias: BiasInit = c.init?.bias ?? { kind: 'zero' };
  if (!['zero', 'normal', 'uniform'].includes(bias?.kind))
    errors.push(
      `init.bias.kind: expected 'zero', 'normal' or 'uniform', got ${JSON.stringify((bias as { kind?: unknown })?.kind)}`,
    );
  if (errors.length > 0)
    throw new RangeError(`pretrain: invalid config:\n  - ${errors.join('\n  - ')}`);
  return {
    m: c.m!,
    n1: c.n1!,
    n2: c.n2!,
    alpha: c.alpha!,
    eta: c.eta!,
    rounds: c.rounds!,
    loss,
    head,
    headInit,
    optimizer,
    trainBias: c.trainBias ?? false,
    normalizeRows: c.normalizeRows ?? false,
    centerLabels: c.centerLabels ?? false,
    init: { weights, bias },
    dtype,
    sampler,
    seed: c.seed!,
  };
}
