import { assertKey, type Key, normal, permutation, split, uniform } from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import type { GroundTruth } from './groundTruth.js';
import { checkTaskFamily, type OffsetDistribution, type TaskFamily } from './taskFamily.js';

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

/** A user-defined task: `g(z) = sign(fn(z))`. */
export interface CustomTask extends TaskBase {
  readonly kind: 'custom';
  readonly fn: (z: Float64Array) => number;
  readonly name?: string;
}

/**
 * One task: the drawn parameters of its family. All but `custom` are plain data (JSON-safe).
 * Label a batch with `labelTask`, sample one with `sampleTask`.
 */
export type Task = HalfspaceTask | TeacherTask | ParityTask | CustomTask;

/**
 * Draws one task of `family` on the ground truth's r coordinates.
 *
 * Key use: halfspace `[kv, kc] = split(key)` (v from `normal(kv, [r])` normalised, c from kc);
 * teacher `[kq, kb, ku] = split(key, 3)`; parity with `subsetSize` the first entries of
 * `permutation(key, r)`, sorted.
 *
 * @param key - the key for this task
 * @param family - the family config
 * @param gt - the ground truth (gives r)
 * @returns the task's parameters
 * @throws {TypeError} for an unknown family kind or a custom family without `fn`
 * @throws {RangeError} for noise outside [0, 0.5], or a direction, subset or size that does not fit r
 * @example
 * const gt = groundTruth(key(0), { d: 32, r: 3 });
 * const task = drawTask(key(1), { kind: 'halfspace' }, gt);
 * task.kind === 'halfspace' && task.v.length; // returns 3
 */
export function drawTask(key: Key, family: TaskFamily, gt: GroundTruth): Task {
  const op = 'drawTask';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  return drawChecked(key, checkTaskFamily(op, family, gt.r), gt.r);
}

/** `drawTask` on an already validated family. @internal */
export function drawChecked(key: Key, f: TaskFamily, r: number): Task {
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
      return f.name === undefined
        ? { kind: 'custom', r, noise, fn: f.fn }
        : { kind: 'custom', r, noise, fn: f.fn, name: f.name };
  }
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
