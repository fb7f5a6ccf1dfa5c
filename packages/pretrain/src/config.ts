import {
  type Activation,
  type BiasInit,
  checkActivation,
  type Loss,
  type LossName,
} from '@mtrl/network';
import { isModuleRef, type ModuleRef } from '@mtrl/tasks';
import {
  ConfigErrors,
  checkBoolean,
  checkInt,
  checkNumber,
  checkObject,
  checkOneOf,
  type DType,
  formatValue,
} from '@mtrl/tensors';
import { ALGORITHM_NAMES, type AlgorithmName, type AlgorithmSpec } from './algorithm.js';

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
  /**
   * Loss; default `'correlation'`, the loss of the analysis. A name (plain data), a `Loss`
   * object `{ name, value(y, f), derivative(y, f) }` (calling thread only) or a `ModuleRef` whose
   * factory returns one (loaded by `pretrainAsync` and in each worker thread).
   */
  loss?: LossName | Loss | ModuleRef;
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
  /**
   * First-layer initialisation; defaults: gaussian rows N(0, I/d), zero biases, ReLU units.
   * `activation` is the hidden units' activation (`'relu'`, `{ kind: 'leaky-relu', slope }`,
   * `'gelu'`; see @mtrl/network), kept by the trained layer.
   */
  init?: { weights?: 'gaussian' | 'sphere'; bias?: BiasInit; activation?: Activation };
  /** Element type of all tensors; default `'float64'`. */
  dtype?: DType;
  /**
   * How samples are drawn: `'explicit'` (default) or `'projected'` (the same algorithm in law,
   * at a cost per task independent of d; Gaussian and mixture inputs only). See {@link Sampler}.
   */
  sampler?: Sampler;
  /**
   * The algorithm: `'paper'` (default), `'joint-sgd'`, `'fomaml'`, `'anil'`, or its four pieces
   * (head step, layer gradient, reduction, layer update) over one of them. See
   * {@link AlgorithmSpec}.
   */
  algorithm?: AlgorithmSpec;
}

/**
 * Mean over a suite's tasks of |E y| above which the labels' constant part dominates the layer
 * update and pretraining warns (unless `centerLabels` is set).
 */
export const UNBALANCED_LABELS = 0.3;

/** A config with every default filled in. */
export type ResolvedPretrainConfig = Required<Omit<PretrainConfig, 'init'>> & {
  init: { weights: 'gaussian' | 'sphere'; bias: BiasInit; activation?: Activation };
};

const LOSS_NAMES = ['logistic', 'hinge', 'square', 'correlation'] as const;
const KNOWN = [
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
  'algorithm',
];
const PIECES = ['base', 'heads', 'headStep', 'layerGradient', 'reduction', 'update'];

/** The shipped algorithm a config's `algorithm` builds on. @internal */
export const baseOf = (a: AlgorithmSpec | undefined): AlgorithmName =>
  a === undefined ? 'paper' : typeof a === 'string' ? a : (a.base ?? 'paper');

const isLossObject = (v: unknown): v is Loss =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Loss).name === 'string' &&
  typeof (v as Loss).value === 'function' &&
  typeof (v as Loss).derivative === 'function';

/** The loss's name for the checks that depend on it (a custom loss is trusted). */
const lossName = (loss: unknown): string | undefined =>
  typeof loss === 'string' ? loss : undefined;

/**
 * Checks a pretraining config and fills in the defaults. Every bad field is reported in one
 * error, so a user fixes a config in one pass.
 *
 * @throws {TypeError} when the config is not an object
 * @throws {RangeError} (a `ConfigError` of @mtrl/tensors) listing each bad field with what was
 * expected; `seed` is refused with the way to migrate (pass `key(seed)` as the first argument)
 * @example
 * resolveConfig({ m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1 });
 */
export function resolveConfig(config: PretrainConfig): ResolvedPretrainConfig {
  const op = 'pretrain';
  const c = checkObject<Partial<PretrainConfig> & Record<string, unknown>>(op, 'config', config);
  const errors = new ConfigErrors();
  // Each check's message without its "pretrain: config.x " prefix: the field heads the line.
  const field = <T>(name: string, fn: (n: string) => T): T | undefined =>
    errors.check(name, () => {
      try {
        return fn(`config.${name}`);
      } catch (e) {
        if (e instanceof Error) e.message = e.message.replace(`${op}: config.${name} `, '');
        throw e;
      }
    });
  for (const k of Object.keys(c)) {
    if (k === 'seed')
      errors.add(
        'seed',
        `config.seed is removed: pass key(seed) as the first argument, as in pretrain(key(${formatValue(c.seed)}), source, config)`,
      );
    else if (!KNOWN.includes(k)) errors.add(k, `unknown field (known: ${KNOWN.join(', ')})`);
  }
  for (const k of ['m', 'n1', 'n2'] as const) field(k, (n) => checkInt(op, n, c[k], { min: 1 }));
  field('rounds', (n) => checkInt(op, n, c.rounds, { min: 0 }));
  field('alpha', (n) => checkNumber(op, n, c.alpha, { min: 0 }));
  field('eta', (n) => checkNumber(op, n, c.eta, { min: 0 }));
  const loss = c.loss ?? 'correlation';
  if (!isModuleRef(loss) && !isLossObject(loss))
    field('loss', (n) => checkOneOf(op, n, loss, [...LOSS_NAMES, 'a Loss object', 'a ModuleRef']));
  const named = lossName(loss);
  const base = baseOf(c.algorithm);
  const head: HeadUpdate =
    c.head ?? (base === 'joint-sgd' ? { mode: 'fixed' } : { mode: 'step', steps: 1 });
  const mode = (head as { mode?: unknown } | undefined)?.mode;
  if (mode === 'step') {
    field('head.steps', (n) =>
      checkInt(op, n, (head as { steps?: number }).steps ?? 1, { min: 1 }),
    );
  } else if (mode === 'fit') {
    const h = head as Extract<HeadUpdate, { mode: 'fit' }>;
    if (named !== undefined && named !== 'logistic' && named !== 'square')
      errors.add(
        'head.mode',
        `'fit' needs a loss with a unique minimiser ('logistic' or 'square'), got loss ${formatValue(named)}`,
      );
    if (h.l2 !== undefined) field('head.l2', (n) => checkNumber(op, n, h.l2, { min: 0 }));
    if (h.tol !== undefined) field('head.tol', (n) => checkNumber(op, n, h.tol, { min: 0 }));
    if (h.maxIter !== undefined)
      field('head.maxIter', (n) => checkInt(op, n, h.maxIter, { min: 1 }));
  } else if (mode !== 'fixed') {
    field('head.mode', (n) => checkOneOf(op, n, mode, ['step', 'fit', 'fixed']));
  }
  const headInit: HeadInit = c.headInit ?? { kind: 'zero' };
  const initKind = (headInit as { kind?: unknown } | undefined)?.kind;
  if (initKind === 'normal')
    field('headInit.std', (n) => checkNumber(op, n, (headInit as { std: number }).std, { min: 0 }));
  else if (initKind !== 'zero')
    field('headInit.kind', (n) => checkOneOf(op, n, initKind, ['zero', 'normal']));
  const optimizer: LayerOptimizer = c.optimizer ?? { kind: 'step' };
  checkOptimizer(optimizer, field, errors);
  const dtype = c.dtype ?? 'float64';
  field('dtype', (n) => checkOneOf(op, n, dtype, ['float32', 'float64']));
  const sampler = c.sampler ?? 'explicit';
  field('sampler', (n) => checkOneOf(op, n, sampler, ['explicit', 'projected']));
  if (
    c.centerLabels === true &&
    named !== undefined &&
    named !== 'correlation' &&
    named !== 'square'
  )
    errors.add(
      'centerLabels',
      `centred labels are real numbers, so the loss must be 'correlation' or 'square', got loss ${formatValue(named)}`,
    );
  for (const k of ['trainBias', 'normalizeRows', 'centerLabels'] as const)
    if (c[k] !== undefined) field(k, (n) => checkBoolean(op, n, c[k]));
  const weights = c.init?.weights ?? 'gaussian';
  field('init.weights', (n) => checkOneOf(op, n, weights, ['gaussian', 'sphere']));
  const bias: BiasInit = c.init?.bias ?? { kind: 'zero' };
  field('init.bias.kind', (n) =>
    checkOneOf(op, n, (bias as { kind?: unknown } | undefined)?.kind, [
      'zero',
      'normal',
      'uniform',
    ]),
  );
  const activation = c.init?.activation;
  if (activation !== undefined) field('init.activation', (n) => checkActivation(op, n, activation));
  const algorithm: AlgorithmSpec = c.algorithm ?? 'paper';
  checkAlgorithm(algorithm, head, c.head, field, errors);
  const perTask =
    typeof algorithm === 'string'
      ? algorithm === 'paper' || algorithm === 'joint-sgd'
      : (algorithm.heads ?? (base === 'paper' || base === 'joint-sgd' ? 'per-task' : 'shared')) ===
        'per-task';
  const layerOnly =
    base === 'paper' &&
    (typeof algorithm === 'string' ||
      algorithm.layerGradient === undefined ||
      algorithm.layerGradient === 'layer');
  if (mode === 'fixed' && initKind === 'zero' && perTask && layerOnly)
    errors.add(
      'headInit',
      `fixed zero heads give a zero layer gradient; use headInit { kind: 'normal', std } with head mode 'fixed'`,
    );
  errors.throwIfAny(op);
  return {
    m: c.m as number,
    n1: c.n1 as number,
    n2: c.n2 as number,
    alpha: c.alpha as number,
    eta: c.eta as number,
    rounds: c.rounds as number,
    loss,
    head,
    headInit,
    optimizer,
    trainBias: c.trainBias ?? false,
    normalizeRows: c.normalizeRows ?? false,
    centerLabels: c.centerLabels ?? false,
    init: { weights, bias, ...(activation === undefined ? {} : { activation }) },
    dtype,
    sampler,
    algorithm,
  };
}

type Field = <T>(name: string, fn: (n: string) => T) => T | undefined;

function checkOptimizer(optimizer: LayerOptimizer, field: Field, errors: ConfigErrors): void {
  const op = 'pretrain';
  const kind = (optimizer as { kind?: unknown } | undefined)?.kind;
  if (kind === 'momentum') {
    const o = optimizer as Extract<LayerOptimizer, { kind: 'momentum' }>;
    field('optimizer.momentum', (n) =>
      checkNumber(op, n, o.momentum, { min: 0, max: 1, maxExclusive: true }),
    );
  } else if (kind === 'adam') {
    const o = optimizer as Extract<LayerOptimizer, { kind: 'adam' }>;
    for (const k of ['b1', 'b2'] as const)
      if (o[k] !== undefined)
        field(`optimizer.${k}`, (n) =>
          checkNumber(op, n, o[k], { min: 0, max: 1, maxExclusive: true }),
        );
    if (o.eps !== undefined)
      field('optimizer.eps', (n) => checkNumber(op, n, o.eps, { minExclusive: 0 }));
  } else if (kind !== 'step') {
    errors.check('optimizer.kind', () =>
      checkOneOf(op, 'config.optimizer.kind', kind, ['step', 'momentum', 'adam']),
    );
  }
}

const isObjectPiece = (v: unknown, method: string): boolean =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Record<string, unknown>)[method] === 'function';

function checkAlgorithm(
  algorithm: AlgorithmSpec,
  head: HeadUpdate,
  givenHead: HeadUpdate | undefined,
  field: Field,
  errors: ConfigErrors,
): void {
  const op = 'pretrain';
  if (typeof algorithm === 'string') {
    field('algorithm', (n) => checkOneOf(op, n, algorithm, ALGORITHM_NAMES));
  } else if (algorithm === null || typeof algorithm !== 'object' || Array.isArray(algorithm)) {
    errors.add(
      'algorithm',
      `must be one of ${ALGORITHM_NAMES.map((a) => `'${a}'`).join(', ')} or { base?, heads?, headStep?, layerGradient?, reduction?, update? }, got ${formatValue(algorithm)}`,
    );
    return;
  } else {
    for (const k of Object.keys(algorithm))
      if (!PIECES.includes(k))
        errors.add(`algorithm.${k}`, `unknown piece (known: ${PIECES.join(', ')})`);
    if (algorithm.base !== undefined)
      field('algorithm.base', (n) => checkOneOf(op, n, algorithm.base, ALGORITHM_NAMES));
    if (algorithm.heads !== undefined)
      field('algorithm.heads', (n) => checkOneOf(op, n, algorithm.heads, ['per-task', 'shared']));
    const hs = algorithm.headStep;
    if (hs !== undefined && !isModuleRef(hs) && !isObjectPiece(hs, 'adapt')) {
      const m = (hs as { mode?: unknown }).mode;
      if (m === 'step' || m === 'maml') {
        const steps = (hs as { steps?: number }).steps;
        if (steps !== undefined)
          field('algorithm.headStep.steps', (n) => checkInt(op, n, steps, { min: 1 }));
      } else if (m !== 'fit' && m !== 'fixed')
        field('algorithm.headStep.mode', (n) =>
          checkOneOf(op, n, m, [
            'step',
            'fit',
            'fixed',
            'maml',
            'a HeadStep object',
            'a ModuleRef',
          ]),
        );
    }
    const lg = algorithm.layerGradient;
    if (lg !== undefined && !isModuleRef(lg) && !isObjectPiece(lg, 'compute'))
      field('algorithm.layerGradient', (n) =>
        checkOneOf(op, n, lg, [
          'layer',
          'layer-and-head',
          'a LayerGradientStep object',
          'a ModuleRef',
        ]),
      );
    const red = algorithm.reduction;
    if (red !== undefined && red !== 'mean' && !isModuleRef(red) && !isObjectPiece(red, 'add')) {
      const w = (red as { kind?: unknown; weights?: unknown }).weights;
      if ((red as { kind?: unknown }).kind !== 'weighted' || !Array.isArray(w))
        errors.add(
          'algorithm.reduction',
          `must be 'mean', { kind: 'weighted', weights: number[] }, a Reduction object or a ModuleRef, got ${formatValue(red)}`,
        );
      else if (!w.every((x) => typeof x === 'number' && Number.isFinite(x)))
        errors.add('algorithm.reduction.weights', `must be finite numbers, got ${formatValue(w)}`);
    }
    const up = algorithm.update;
    if (up !== undefined && !isModuleRef(up) && !isObjectPiece(up, 'update'))
      checkOptimizer(
        up as LayerOptimizer,
        (name, fn) => field(`algorithm.update${name.slice('optimizer'.length)}`, fn),
        errors,
      );
  }
  const base = baseOf(algorithm);
  const mode = head.mode;
  if (base === 'joint-sgd' && givenHead !== undefined && mode !== 'fixed')
    errors.add(
      'head',
      `algorithm 'joint-sgd' has no inner head step (heads are trained with W by SGD), so config.head must be absent or { mode: 'fixed' }, got ${formatValue(givenHead)}`,
    );
  if (base === 'fomaml' && mode !== 'step')
    errors.add(
      'head',
      `algorithm 'fomaml' adapts W and the head by gradient steps: config.head must be absent or { mode: 'step', steps }, got ${formatValue(givenHead)}`,
    );
}
