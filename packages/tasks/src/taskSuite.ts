import { assertKey, foldIn, type Key } from '@mtrl/tensors';
import { checkGroundTruth } from './_checkGroundTruth.js';
import { checkInt } from './_validate.js';
import { drawChecked, type Task } from './drawTask.js';
import type { GroundTruth } from './groundTruth.js';
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
 * Draws T tasks of `family`. Task t is `drawTask(foldIn(key, t), family, gt)`, so it does not
 * depend on T: the suite of T tasks is a prefix of the suite of T + 1 tasks.
 *
 * @param key - the key for the suite
 * @param family - the family config
 * @param gt - the ground truth (gives r)
 * @param T - number of tasks, T >= 1
 * @returns `{ family, r, tasks }` with `tasks.length === T`
 * @throws {RangeError} when T is not an integer >= 1, or the family is invalid (see `drawTask`)
 * @throws {TypeError} for an unknown family kind
 * @example
 * const gt = groundTruth(key(0), { d: 64, r: 4 });
 * taskSuite(key(1), { kind: 'halfspace' }, gt, 16).tasks.length; // returns 16
 */
export function taskSuite(key: Key, family: TaskFamily, gt: GroundTruth, T: number): TaskSuite {
  const op = 'taskSuite';
  assertKey(op, key);
  checkGroundTruth(op, gt);
  checkInt(op, 'T', T, 1);
  const f = checkTaskFamily(op, family, gt.r);
  const tasks: Task[] = [];
  for (let t = 0; t < T; t++) tasks.push(drawChecked(foldIn(key, t), f, gt.r));
  return { family: f, r: gt.r, tasks };
}
