import { assertKey, checkInt, foldIn, type Key } from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import { drawChecked, type Task } from './drawTask.js';
import type { GroundTruth } from './groundTruth.js';
import { resolveFamily } from './loadFamily.js';
import { checkTaskFamily, type TaskFamily } from './taskFamily.js';

/** T tasks of one family on one ground truth. */
export interface TaskSuite {
  /** The validated family config the tasks were drawn from. */
  readonly family: TaskFamily;
  /** Subspace dimension shared by all tasks. */
  readonly r: number;
  /** The tasks, `tasks[t]` drawn with `foldIn(key, t)`. */
  readonly tasks: readonly Task[];
}

/**
 * Draws T tasks of `family`. Task t is `drawTask(foldIn(key, t), family, gt, { index: t })`,
 * so it does not depend on T: the suite of T tasks is a prefix of the suite of T + 1 tasks.
 * A custom family's `draw` is called with each task's own key, so its tasks differ, and each
 * drawn task passes the balance check (see `drawTask`) unless the family sets
 * `balance: false`.
 *
 * A family given only as a module reference (`{ kind: 'custom', module }`) must be loaded
 * first: use {@link taskSuiteAsync}, or pass `await loadFamily(ref)`.
 *
 * @param key - the key for the suite
 * @param family - the family config
 * @param gt - the ground truth (gives r)
 * @param T - number of tasks, T >= 1
 * @returns `{ family, r, tasks }` with `tasks.length === T`
 * @throws {RangeError} when T is not an integer >= 1, the family is invalid or a custom task is
 *   unbalanced (the message names the task index, the family and the measured `|E y|`)
 * @throws {TypeError} when an argument has the wrong type (see `drawTask`)
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * taskSuite(key(1), { kind: 'halfspace' }, gt, 16).tasks.length; // returns 16
 * const bumps = { kind: 'custom', draw: (k, { r }) => { const c = normal(k, [r]).data; return (z) => z[0] - c[0]; } };
 * taskSuite(key(2), bumps, gt, 16).tasks[3].key; // foldIn(key(2), 3)
 */
export function taskSuite(key: Key, family: TaskFamily, gt: GroundTruth, T: number): TaskSuite {
  return drawSuite('taskSuite', key, family, gt, T);
}

/**
 * {@link taskSuite} for any family, including one given as a module reference
 * `{ kind: 'custom', module: { module, export?, params? } }`: the module is loaded with
 * `loadFamily` (the family's own `name`, `noise` and `balance` override the loaded ones), and
 * every task keeps the reference and its key, so `taskData(task)` describes it as plain data
 * and `rebuildTasks` rebuilds the identical labelling on a worker thread.
 *
 * @returns a promise of `{ family, r, tasks }`
 * @throws {TypeError} | {RangeError} as `taskSuite` and `loadFamily` (as a rejected promise)
 * @example
 * const ref = { module: new URL('./bumps.mjs', import.meta.url).href, params: { width: 0.5 } };
 * const suite = await taskSuiteAsync(key(1), { kind: 'custom', module: ref }, gt, 64);
 */
export async function taskSuiteAsync(
  key: Key,
  family: TaskFamily,
  gt: GroundTruth,
  T: number,
): Promise<TaskSuite> {
  const op = 'taskSuiteAsync';
  // Check the cheap arguments before importing anything.
  assertKey(op, key);
  checkGroundTruth(op, gt);
  checkInt(op, 'T', T, { min: 1 });
  const f = checkTaskFamily(op, family, gt.r);
  return drawSuite(op, key, await resolveFamily(op, f), gt, T);
}

function drawSuite(
  op: string,
  key: Key,
  family: TaskFamily,
  gt: GroundTruth,
  T: number,
): TaskSuite {
  assertKey(op, key);
  checkGroundTruth(op, gt);
  checkInt(op, 'T', T, { min: 1 });
  const f = checkTaskFamily(op, family, gt.r);
  const tasks: Task[] = [];
  for (let t = 0; t < T; t++) tasks.push(drawChecked(op, foldIn(key, t), f, gt.r, t));
  return { family: f, r: gt.r, tasks };
}
