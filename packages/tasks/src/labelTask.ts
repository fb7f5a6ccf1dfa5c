import {
  assertDType,
  assertTensor,
  checkInt,
  type DType,
  formatValue,
  type Matrix,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { checkKind, checkNoise } from './_validate.js';
import type { Task } from './drawTask.js';
import { sign } from './sign.js';
import { TASK_KINDS } from './taskFamily.js';

/**
 * The noise-free labels `y_i = g(z_i)` in {-1, +1} of a batch of projected inputs (rows of z).
 * Scores are computed in float64 and signed with `sign` (sign(0) = +1).
 *
 * @param task - a task from `drawTask` or `taskSuite`
 * @param z - `[n, r]`, rows z_i = M x_i
 * @param opts - `{ dtype? }`, the labels' dtype (default z's dtype)
 * @returns `y: [n]`, every entry exactly -1 or +1
 * @throws {RangeError} when z does not have r columns, the task kind is unknown, or a score is
 *   NaN or infinite
 * @throws {TypeError} when task or z has the wrong type, or a custom function returns a
 *   non-number
 * @example
 * const task = drawTask(key(1), { kind: 'parity' }, groundTruth(key(0), { d: 4, r: 2 }));
 * toArray(labelTask(task, fromArray([[1, 1], [1, -1], [0, -2]]))); // returns [1, -1, -1]
 */
export function labelTask<D extends DType, E extends DType = D>(
  task: Task,
  z: Matrix<D>,
  opts: { dtype?: E } = {},
): Vector<E> {
  const op = 'labelTask';
  checkTask(op, task);
  assertTensor(op, 'z', z, 2);
  const [n, r] = z.shape;
  if (r !== task.r)
    throw new RangeError(`${op}: z has ${r} columns but the task reads r=${task.r}`);
  const dtype = (opts.dtype ?? z.dtype) as E;
  assertDType(op, dtype);
  const y = zeros([n] as const, { dtype });
  labelRows(op, task, z, y);
  return y;
}

/**
 * Writes the labels of the rows of z into y (`[n]`, any dtype); task and z are already
 * checked. @internal
 */
export function labelRows(op: string, task: Task, z: Matrix, y: Vector): void {
  const [n, r] = z.shape;
  const row = new Float64Array(r);
  const score = scorer(task);
  for (let i = 0; i < n; i++) {
    const base = z.offset + i * z.stride[0];
    for (let a = 0; a < r; a++) row[a] = z.data[base + a * z.stride[1]];
    const s: unknown = score(row);
    if (typeof s !== 'number') {
      throw new TypeError(
        `${op}: the task's score for row ${i} must be a number, got ${formatValue(s)}`,
      );
    }
    if (!Number.isFinite(s)) {
      throw new RangeError(
        `${op}: the task's score for row ${i} must be a finite number, got ${String(s)}`,
      );
    }
    y.data[y.offset + i * y.stride[0]] = sign(s);
  }
}

/** Throws unless `task` has a known kind, an r >= 1 and a valid noise rate. @internal */
export function checkTask(op: string, task: unknown): asserts task is Task {
  checkKind(op, 'task', task, TASK_KINDS);
  const t = task as Task;
  checkInt(op, 'task.r', t.r, { min: 1 });
  checkNoise(op, 'task.noise', t.noise);
  if (t.kind === 'custom' && typeof t.fn !== 'function') {
    throw new TypeError(
      `${op}: task.fn must be a function (z: Float64Array) => number, got ${formatValue(t.fn)}; rebuild a task described as data with rebuildTasks`,
    );
  }
}

// The real-valued g before the sign, for one row z (a reused buffer of length r).
function scorer(task: Task): (z: Float64Array) => number {
  switch (task.kind) {
    case 'halfspace': {
      const { v, c } = task;
      return (z) => {
        let s = 0;
        for (let a = 0; a < z.length; a++) s += v[a] * z[a];
        return s - c;
      };
    }
    case 'teacher': {
      const { q, beta, u } = task;
      return (z) => {
        let s = 0;
        for (let k = 0; k < u.length; k++) {
          let h = beta[k];
          for (let a = 0; a < z.length; a++) h += q[k][a] * z[a];
          if (h > 0) s += u[k] * h;
        }
        return s;
      };
    }
    case 'parity':
    case 'xor': {
      const { subset } = task;
      return (z) => {
        let p = 1;
        for (const i of subset) p *= sign(z[i]);
        return p;
      };
    }
    case 'custom':
      return task.fn;
  }
}
