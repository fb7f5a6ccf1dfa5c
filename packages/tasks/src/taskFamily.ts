import {
  checkIndices,
  checkInt,
  checkKind,
  checkNoise,
  checkNumber,
  checkVector,
} from './_validate.js';

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

/**
 * A user-defined task: the label is `sign(fn(z))` for z = Mx. `fn` receives a buffer of length r
 * that is reused between calls: read it, do not keep it.
 */
export interface CustomFamily extends FamilyBase {
  readonly kind: 'custom';
  readonly fn: (z: Float64Array) => number;
  /** A name for logs. */
  readonly name?: string;
}

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
        width: checkInt(op, 'family.width', t.width ?? 8, 1),
        biasStd: checkNumber(op, 'family.biasStd', t.biasStd ?? 0, 0),
      };
    }
    case 'parity':
    case 'xor': {
      const p = f as ParityFamily;
      if (p.subset !== undefined && p.subsetSize !== undefined) {
        throw new TypeError(`${op}: give family.subset or family.subsetSize, not both`);
      }
      if (p.subset !== undefined) {
        const subset = checkIndices(op, 'family.subset', p.subset, r);
        if (subset.length < 1) throw new RangeError(`${op}: family.subset must not be empty`);
        return { kind, noise, subset };
      }
      if (p.subsetSize !== undefined) {
        return { kind, noise, subsetSize: checkInt(op, 'family.subsetSize', p.subsetSize, 1, r) };
      }
      return { kind, noise };
    }
    case 'custom': {
      const c = f as CustomFamily;
      if (typeof c.fn !== 'function') {
        throw new TypeError(`${op}: family.fn must be a function (z: Float64Array) => number`);
      }
      return c.name === undefined
        ? { kind, noise, fn: c.fn }
        : { kind, noise, fn: c.fn, name: String(c.name) };
    }
  }
}

function checkOffset(op: string, offset: unknown): OffsetDistribution {
  const kind = checkKind(op, 'family.offset', offset, ['fixed', 'normal', 'uniform'] as const);
  const o = offset as Record<string, unknown>;
  if (kind === 'fixed') return { kind, value: checkNumber(op, 'family.offset.value', o.value) };
  if (kind === 'normal') {
    return {
      kind,
      std: checkNumber(op, 'family.offset.std', o.std, 0),
      mean: checkNumber(op, 'family.offset.mean', o.mean ?? 0),
    };
  }
  const low = checkNumber(op, 'family.offset.low', o.low);
  const high = checkNumber(op, 'family.offset.high', o.high);
  if (!(low < high))
    throw new RangeError(`${op}: family.offset needs low < high, got low=${low}, high=${high}`);
  return { kind, low, high };
}
