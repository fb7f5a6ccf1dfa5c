import { checkInt, checkNumber, formatValue, type Key } from '@mtrl/tensors';
import { checkIndices, checkKind, checkNoise, checkVector } from './_validate.js';
import { checkModuleRef, type ModuleRef } from './moduleRef.js';

/** How a halfspace's offset c is chosen for each task. */
export type OffsetDistribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'normal'; readonly std: number; readonly mean?: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number };

/** Fields shared by every family. */
interface FamilyBase {
  /** Label noise: each label is flipped independently with probability rho in [0, 0.5]; default 0. */
  readonly noise?: number;
}

/**
 * `g(z) = sign(<v, z> - c)`: v uniform on the unit sphere of R^r (or the given `direction`,
 * normalised), c from `offset` (default `{ kind: 'fixed', value: 0 }`). The default family.
 */
export interface HalfspaceFamily extends FamilyBase {
  readonly kind: 'halfspace';
  /** A fixed direction in R^r (normalised to unit length) instead of a random one. */
  readonly direction?: readonly number[];
  readonly offset?: OffsetDistribution;
}

/**
 * `g(z) = sign(sum_k u_k relu(<q_k, z> + beta_k))`, a random ReLU teacher on R^r: q_k uniform on
 * the unit sphere, `u_k ~ N(0, 1)`, `beta_k ~ N(0, biasStd^2)`.
 */
export interface TeacherFamily extends FamilyBase {
  readonly kind: 'teacher';
  /** Number of teacher units; default 8. */
  readonly width?: number;
  /** Standard deviation of the teacher biases; default 0. */
  readonly biasStd?: number;
}

/**
 * `g(z) = prod_{i in S} sign(z_i)` over a subset S of the r coordinates. `'xor'` and `'parity'`
 * are the same family under two names. S is `subset` when given, else a random subset of size
 * `subsetSize` drawn per task, else all r coordinates.
 */
export interface ParityFamily extends FamilyBase {
  readonly kind: 'parity' | 'xor';
  /** Distinct indices in [0, r). */
  readonly subset?: readonly number[];
  /** Size of a random subset drawn per task, in [1, r]. */
  readonly subsetSize?: number;
}

/** The random state a custom family's `draw` receives besides its key. */
export interface DrawInfo {
  /** Subspace dimension: the labelling reads z in R^r. */
  readonly r: number;
  /** The task's index in its suite (0 for `drawTask` unless given). */
  readonly index: number;
}

/**
 * A labelling `z -> score`; the label is `sign(score)` (`sign(0) = +1`). z is a buffer of
 * length r that is reused between calls: read it, do not keep it.
 */
export type Labelling = (z: Float64Array) => number;

/**
 * The balance check of a custom family: each drawn task's `|E y|` is estimated on
 * `samples` draws of `z ~ N(0, I_r)`, and a task above `maxImbalance` is refused.
 */
export interface BalanceCheck {
  /** Largest allowed `|E y|` in [0, 1]; default 0.9. */
  readonly maxImbalance?: number;
  /** Monte Carlo sample size, an integer >= 1; default 512. */
  readonly samples?: number;
}

/** Fields shared by the custom families. */
interface CustomBase extends FamilyBase {
  readonly kind: 'custom';
  /** A name for logs and error messages. */
  readonly name?: string;
  /**
   * The balance check run on every drawn task (default, or `true`:
   * `{ maxImbalance: 0.9, samples: 512 }`); `false` skips it.
   */
  readonly balance?: BalanceCheck | boolean;
}

/**
 * A user-defined family with per-task randomness: task t's labelling is
 * `draw(key_t, { r, index: t })`, where key_t is derived from the task's key, so the T tasks of
 * a suite differ. The label is `sign(labelling(z))` for z = Mx.
 */
export interface CustomDrawFamily extends CustomBase {
  readonly draw: (key: Key, info: DrawInfo) => Labelling;
  /**
   * Where this family's code lives, set by `loadFamily`: tasks drawn from it keep the
   * reference and their keys, so a worker thread can rebuild them (see `taskData`).
   */
  readonly module?: ModuleRef;
  readonly fn?: undefined;
}

/**
 * A user-defined family without randomness: every task is `sign(fn(z))`, so all tasks of a
 * suite are the same. Prefer {@link CustomDrawFamily}.
 */
export interface CustomFnFamily extends CustomBase {
  readonly fn: Labelling;
  readonly module?: ModuleRef;
  readonly draw?: undefined;
}

/**
 * A custom family described by a module reference (plain data, so it can cross a thread
 * boundary): the module's export returns a {@link CustomDrawFamily} (or a `CustomFnFamily`).
 * Load it with `loadFamily(ref)` or draw from it with `taskSuiteAsync`; the fields given here
 * (`name`, `noise`, `balance`) override the loaded family's.
 */
export interface ModuleFamily extends CustomBase {
  readonly module: ModuleRef;
  readonly draw?: undefined;
  readonly fn?: undefined;
}

/** The three forms of a custom family. */
export type CustomFamily = CustomDrawFamily | CustomFnFamily | ModuleFamily;

/**
 * A family of tasks whose labels depend on x only through z = Mx (docs: Specification, 'Task
 * families'). Discriminated on `kind`.
 */
export type TaskFamily = HalfspaceFamily | TeacherFamily | ParityFamily | CustomFamily;

/** The kinds of {@link TaskFamily}, in a stable order. */
export const TASK_KINDS: readonly TaskFamily['kind'][] = [
  'halfspace',
  'teacher',
  'parity',
  'xor',
  'custom',
];

/** Validates a family for subspace dimension r and returns a normalised copy. @internal */
export function checkTaskFamily(op: string, family: unknown, r: number): TaskFamily {
  const kind = checkKind(op, 'family', family, TASK_KINDS);
  const f = family as TaskFamily;
  const noise = checkNoise(op, 'family.noise', f.noise ?? 0);
  switch (kind) {
    case 'halfspace': {
      const h = f as HalfspaceFamily;
      const out: { -readonly [K in keyof HalfspaceFamily]: HalfspaceFamily[K] } = { kind, noise };
      if (h.direction !== undefined) {
        const v = checkVector(op, 'family.direction', h.direction, r);
        if (!v.some((e) => e !== 0))
          throw new RangeError(`${op}: family.direction must be non-zero`);
        out.direction = v;
      }
      if (h.offset !== undefined) out.offset = checkOffset(op, h.offset);
      return out;
    }
    case 'teacher': {
      const t = f as TeacherFamily;
      return {
        kind,
        noise,
        width: checkInt(op, 'family.width', t.width ?? 8, { min: 1 }),
        biasStd: checkNumber(op, 'family.biasStd', t.biasStd ?? 0, { min: 0 }),
      };
    }
    case 'parity':
    case 'xor': {
      const p = f as ParityFamily;
      if (p.subset !== undefined && p.subsetSize !== undefined) {
        throw new RangeError(`${op}: give family.subset or family.subsetSize, not both`);
      }
      if (p.subset !== undefined) {
        const subset = checkIndices(op, 'family.subset', p.subset, r);
        if (subset.length < 1) throw new RangeError(`${op}: family.subset must not be empty`);
        return { kind, noise, subset };
      }
      if (p.subsetSize !== undefined) {
        return {
          kind,
          noise,
          subsetSize: checkInt(op, 'family.subsetSize', p.subsetSize, { min: 1, max: r }),
        };
      }
      return { kind, noise };
    }
    case 'custom':
      return checkCustomFamily(op, f as CustomFamily, noise);
  }
}

function checkCustomFamily(op: string, c: CustomFamily, noise: number): CustomFamily {
  const base: { -readonly [K in keyof ModuleFamily]?: ModuleFamily[K] } = { kind: 'custom', noise };
  if (c.name !== undefined) base.name = String(c.name);
  if (c.balance !== undefined) base.balance = checkBalance(op, c.balance);
  if (c.module !== undefined) base.module = checkModuleRef(op, 'family.module', c.module);
  const given = [c.fn !== undefined && 'fn', c.draw !== undefined && 'draw'].filter(Boolean);
  if (given.length > 1) {
    throw new RangeError(`${op}: give family.draw or family.fn, not both`);
  }
  const draw: unknown = c.draw;
  const fn: unknown = c.fn;
  if (draw !== undefined) {
    if (typeof draw !== 'function') {
      throw new TypeError(
        `${op}: family.draw must be a function (key, { r, index }) => (z: Float64Array) => number, got ${formatValue(draw)}`,
      );
    }
    return { ...base, draw } as CustomDrawFamily;
  }
  if (fn !== undefined) {
    if (typeof fn !== 'function') {
      throw new TypeError(
        `${op}: family.fn must be a function (z: Float64Array) => number, got ${formatValue(fn)}`,
      );
    }
    return { ...base, fn } as CustomFnFamily;
  }
  if (base.module !== undefined) return base as ModuleFamily;
  throw new TypeError(
    `${op}: a custom family needs family.draw (key, { r, index }) => (z) => number, family.fn (z) => number or family.module, got none`,
  );
}

function checkBalance(op: string, balance: unknown): BalanceCheck | boolean {
  if (typeof balance === 'boolean') return balance ? {} : false;
  if (balance === null || typeof balance !== 'object' || Array.isArray(balance)) {
    throw new TypeError(
      `${op}: family.balance must be a boolean or { maxImbalance?, samples? }, got ${formatValue(balance)}`,
    );
  }
  const b = balance as BalanceCheck;
  const out: { -readonly [K in keyof BalanceCheck]: BalanceCheck[K] } = {};
  if (b.maxImbalance !== undefined)
    out.maxImbalance = checkNumber(op, 'family.balance.maxImbalance', b.maxImbalance, {
      min: 0,
      max: 1,
    });
  if (b.samples !== undefined)
    out.samples = checkInt(op, 'family.balance.samples', b.samples, { min: 1, max: 1 << 24 });
  return out;
}

function checkOffset(op: string, offset: unknown): OffsetDistribution {
  const kind = checkKind(op, 'family.offset', offset, ['fixed', 'normal', 'uniform'] as const);
  const o = offset as Record<string, unknown>;
  if (kind === 'fixed') return { kind, value: checkNumber(op, 'family.offset.value', o.value) };
  if (kind === 'normal') {
    return {
      kind,
      std: checkNumber(op, 'family.offset.std', o.std, { min: 0 }),
      mean: checkNumber(op, 'family.offset.mean', o.mean ?? 0),
    };
  }
  const low = checkNumber(op, 'family.offset.low', o.low);
  const high = checkNumber(op, 'family.offset.high', o.high);
  if (!(low < high))
    throw new RangeError(`${op}: family.offset needs low < high, got low=${low}, high=${high}`);
  return { kind, low, high };
}
