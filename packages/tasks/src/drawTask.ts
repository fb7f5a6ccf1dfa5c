import {
  assertKey,
  checkInt,
  checkOptions,
  formatValue,
  type Key,
  normal,
  permutation,
  split,
  uniform,
} from '@mtrl/tensors';
import { checkLabellingBalance } from './_balance.js';
import { checkGroundTruth } from './_checkGroundTruth.js';
import type { GroundTruth } from './groundTruth.js';
import type { ModuleRef } from './moduleRef.js';
import {
  type CustomFamily,
  checkTaskFamily,
  type Labelling,
  type OffsetDistribution,
  type TaskFamily,
} from './taskFamily.js';

/** Fields shared by every task. */
export interface TaskBase {
  /** Subspace dimension: the task reads z in R^r. */
  readonly r: number;
  /** Label flip probability rho in [0, 0.5]. */
  readonly noise: number;
}

/** A drawn halfspace task: `g(z) = sign(<v, z> - c)`, `|v| = 1`. */
export interface HalfspaceTask extends TaskBase {
  readonly kind: 'halfspace';
  /** Unit direction, length r. */
  readonly v: readonly number[];
  /** Offset. */
  readonly c: number;
}

/** A drawn ReLU teacher: `g(z) = sign(sum_k u_k relu(<q_k, z> + beta_k))`. */
export interface TeacherTask extends TaskBase {
  readonly kind: 'teacher';
  /** Unit rows q_k, `[width][r]`. */
  readonly q: readonly (readonly number[])[];
  /** Biases, length width. */
  readonly beta: readonly number[];
  /** Output weights, length width. */
  readonly u: readonly number[];
}

/** A drawn parity task: `g(z) = prod_{i in subset} sign(z_i)`. */
export interface ParityTask extends TaskBase {
  readonly kind: 'parity' | 'xor';
  /** Distinct coordinates in [0, r), in increasing order. */
  readonly subset: readonly number[];
}

/**
 * A user-defined task: `g(z) = sign(fn(z))`. A task of a family with `draw` keeps its `key`
 * and `index` (`fn` is `draw(split(key)[0], { r, index })`), and a task of a loaded module
 * family also its `module`, so `taskData` can describe it as plain data.
 */
export interface CustomTask extends TaskBase {
  readonly kind: 'custom';
  readonly fn: Labelling;
  readonly name?: string;
  /** The task's key (the key `drawTask` was given; `foldIn(suiteKey, t)` in a suite). */
  readonly key?: Key;
  /** The task's index in its suite. */
  readonly index?: number;
  /** Where the family's code lives (tasks of a family from `loadFamily`). */
  readonly module?: ModuleRef;
}

/**
 * One task: the drawn parameters of its family. All but `custom` are plain data (JSON-safe);
 * `taskData` describes a custom task of a module family as plain data too. Label a batch with
 * `labelTask`, sample one with `sampleTask`.
 */
export type Task = HalfspaceTask | TeacherTask | ParityTask | CustomTask;

/** Options of {@link drawTask}. */
export interface DrawTaskOptions {
  /** The task's index, passed to a custom family's `draw` (default 0). */
  readonly index?: number;
}

/**
 * Draws one task of `family` on the ground truth's r coordinates.
 *
 * Key use: halfspace `[kv, kc] = split(key)` (v from `normal(kv, [r])` normalised, c from kc);
 * teacher `[kq, kb, ku] = split(key, 3)`; parity with `subsetSize` the first entries of
 * `permutation(key, r)`, sorted; custom `[kDraw, kBalance] = split(key)`: the labelling is
 * `family.draw(kDraw, { r, index })` and the balance check (see below) draws its z from
 * kBalance.
 *
 * Balance check (custom families unless `balance: false`): `|E y|` is estimated from
 * `balance.samples` (default 512) draws of `z ~ N(0, I_r)`, and a task above
 * `balance.maxImbalance` (default 0.9) is refused, as is a labelling that returns a value that
 * is not a finite number.
 *
 * @param key - the key for this task
 * @param family - the family config (a module family must be loaded first: `loadFamily`)
 * @param gt - the ground truth (gives r)
 * @param opts - `{ index? }`, the task's index for a custom family's `draw` (default 0)
 * @returns the task's parameters
 * @throws {TypeError} when family is not an object, a custom family has no `draw` or `fn`
 *   function (or only a module reference, not yet loaded), or `draw` returns no function
 * @throws {RangeError} for an unknown family kind, noise outside [0, 0.5], a direction, subset
 *   or size that does not fit r, an unbalanced custom task, or a labelling value that is not
 *   finite
 * @example
 * const gt = groundTruth(key(0), { d: 32, r: 3 });
 * const task = drawTask(key(1), { kind: 'halfspace' }, gt);
 * task.kind === 'halfspace' && task.v.length; // returns 3
 */
export function drawTask(
  key: Key,
  family: TaskFamily,
  gt: GroundTruth,
  opts?: DrawTaskOptions,
): Task {
  const op = 'drawTask';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  const o = checkOptions(op, opts);
  const index = checkInt(op, 'opts.index', o.index ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER });
  return drawChecked(op, key, checkTaskFamily(op, family, gt.r), gt.r, index);
}

/** `drawTask` on an already validated family. @internal */
export function drawChecked(op: string, key: Key, f: TaskFamily, r: number, index: number): Task {
  const noise = f.noise ?? 0;
  switch (f.kind) {
    case 'halfspace': {
      const [kv, kc] = split(key, 2);
      const raw = f.direction ?? Array.from(normal(kv, [r] as const).data);
      return { kind: 'halfspace', r, noise, v: unit(raw), c: drawOffset(kc, f.offset) };
    }
    case 'teacher': {
      const [kq, kb, ku] = split(key, 3);
      const width = f.width ?? 8;
      const g = normal(kq, [width, r] as const).data;
      const q: number[][] = [];
      for (let k = 0; k < width; k++) q.push(unit(Array.from(g.subarray(k * r, (k + 1) * r))));
      const std = f.biasStd ?? 0;
      const beta = Array.from(normal(kb, [width] as const).data, (b) => b * std);
      const u = Array.from(normal(ku, [width] as const).data);
      return { kind: 'teacher', r, noise, q, beta, u };
    }
    case 'parity':
    case 'xor': {
      let subset: number[];
      if (f.subset !== undefined) subset = [...f.subset].sort((a, b) => a - b);
      else if (f.subsetSize !== undefined) {
        subset = Array.from(permutation(key, r).subarray(0, f.subsetSize)).sort((a, b) => a - b);
      } else subset = Array.from({ length: r }, (_, i) => i);
      return { kind: f.kind, r, noise, subset };
    }
    case 'custom':
      return drawCustom(op, key, f, r, index, f.balance !== false);
  }
}

/**
 * Task `index` of a validated custom family from its key; runs the balance check when
 * `checkBalance`. @internal
 */
export function drawCustom(
  op: string,
  key: Key,
  f: CustomFamily,
  r: number,
  index: number,
  checkBalance: boolean,
): CustomTask {
  const name = f.name === undefined ? {} : { name: f.name };
  const noise = f.noise ?? 0;
  let task: CustomTask;
  const [kDraw, kBalance] = split(key, 2);
  if (f.draw !== undefined) {
    const fn: unknown = f.draw(kDraw, { r, index });
    if (typeof fn !== 'function') {
      throw new TypeError(
        `${op}: family.draw must return a labelling (z: Float64Array) => number, got ${formatValue(fn)} for task ${index}`,
      );
    }
    task = { kind: 'custom', r, noise, fn: fn as Labelling, ...name, key, index };
  } else if (f.fn !== undefined) {
    task = { kind: 'custom', r, noise, fn: f.fn, ...name };
  } else {
    throw new TypeError(
      `${op}: family.module must be loaded before drawing: use taskSuiteAsync, or pass await loadFamily(family.module)`,
    );
  }
  if (f.module !== undefined) task = { ...task, key, index, module: f.module };
  if (checkBalance) {
    const b = f.balance === false || f.balance === true ? {} : (f.balance ?? {});
    checkLabellingBalance(op, task.fn, kBalance, r, {
      index,
      family: f.name ?? 'custom',
      maxImbalance: b.maxImbalance ?? 0.9,
      samples: b.samples ?? 512,
    });
  }
  return task;
}

function unit(v: readonly number[]): number[] {
  let s = 0;
  for (const e of v) s += e * e;
  // A zero Gaussian vector has probability 0 and a zero direction was refused.
  const norm = Math.sqrt(s);
  return v.map((e) => e / norm);
}

function drawOffset(key: Key, offset: OffsetDistribution | undefined): number {
  if (offset === undefined) return 0;
  switch (offset.kind) {
    case 'fixed':
      return offset.value;
    case 'normal':
      return (offset.mean ?? 0) + offset.std * normal(key, [1] as const).data[0];
    case 'uniform':
      return uniform(key, [1] as const, { low: offset.low, high: offset.high }).data[0];
  }
}
