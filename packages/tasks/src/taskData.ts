import { assertKey, checkInt, type Key } from '@mtrl/tensors';
import { checkNoise } from './_validate.js';
import {
  type CustomTask,
  drawCustom,
  type HalfspaceTask,
  type ParityTask,
  type Task,
  type TeacherTask,
} from './drawTask.js';
import { checkTask } from './labelTask.js';
import { type LoadedFamily, loadFamilyChecked } from './loadFamily.js';
import { checkModuleRef, type ModuleRef } from './moduleRef.js';

/**
 * A custom task as plain data: the module reference of its family, its key and index. The
 * labelling is rebuilt as `family.draw(split(key)[0], { r, index })` with
 * `family = await loadFamily(module)`, the same function the task was drawn with.
 */
export interface CustomTaskData {
  readonly kind: 'custom';
  readonly r: number;
  readonly noise: number;
  readonly name?: string;
  readonly module: ModuleRef;
  readonly key: Key;
  readonly index: number;
}

/**
 * A task as plain, structured-cloneable (and JSON-safe, when the module's `params` are) data:
 * the built-in tasks as they are, a custom task of a module family as {@link CustomTaskData}.
 * Make one with {@link taskData}; turn a list back into tasks with {@link rebuildTasks}.
 */
export type TaskData = HalfspaceTask | TeacherTask | ParityTask | CustomTaskData;

/**
 * Whether {@link taskData} can describe `task`: true for every built-in task and for custom
 * tasks drawn from a family loaded with `loadFamily` (or `taskSuiteAsync`); false for custom
 * tasks whose function lives only on this thread.
 *
 * @example
 * canRebuild(taskSuite(key(1), { kind: 'custom', fn: (z) => z[0] }, gt, 2).tasks[0]); // returns false
 */
export function canRebuild(task: Task): boolean {
  if (task?.kind !== 'custom') return true;
  return task.module !== undefined && task.key !== undefined && task.index !== undefined;
}

/**
 * A task as plain data for another thread (see {@link TaskData}).
 *
 * @param task - a task from `drawTask`, `taskSuite` or `taskSuiteAsync`
 * @returns the task itself when it is built in, else `{ kind: 'custom', r, noise, name?, module,
 *   key, index }`
 * @throws {RangeError} for a custom task whose family has no module reference (a function
 *   cannot cross a thread boundary: describe the family as `{ kind: 'custom', module }`)
 * @throws {TypeError} when task is not a task
 * @example
 * const suite = await taskSuiteAsync(key(1), { kind: 'custom', module: ref }, gt, 8);
 * const data = suite.tasks.map(taskData); // structuredClone-able
 */
export function taskData(task: Task): TaskData {
  const op = 'taskData';
  checkTask(op, task);
  if (task.kind !== 'custom') return task;
  if (!canRebuild(task)) {
    throw new RangeError(
      `${op}: a custom task without a module reference cannot be described as data (its function lives on this thread); give the family as { kind: 'custom', module: { module, export?, params? } } (taskSuiteAsync) or draw from await loadFamily(ref)`,
    );
  }
  const t = task as CustomTask & { module: ModuleRef; key: Key; index: number };
  return {
    kind: 'custom',
    r: t.r,
    noise: t.noise,
    ...(t.name === undefined ? {} : { name: t.name }),
    module: t.module,
    key: t.key,
    index: t.index,
  };
}

/**
 * Rebuilds one task from its {@link TaskData}: built-in tasks are returned as they are; a
 * custom task's family is loaded (`loadFamily(data.module)`) and its labelling drawn from
 * `data.key` and `data.index`, so it labels every z exactly as the original. The balance check
 * is not run again.
 *
 * @throws {TypeError} | {RangeError} for malformed data or a module that cannot be loaded
 * @example
 * const task = await rebuildTask(structuredClone(taskData(suite.tasks[0])));
 */
export async function rebuildTask(data: TaskData): Promise<Task> {
  const [task] = await rebuild('rebuildTask', [data]);
  return task;
}

/**
 * Rebuilds tasks from their {@link TaskData} (on a worker thread, say): each distinct module
 * reference is loaded once. `rebuildTasks(suite.tasks.map(taskData))` labels every z exactly
 * as `suite.tasks` does.
 *
 * @param data - the tasks as plain data
 * @returns the tasks, in order
 * @throws {TypeError} | {RangeError} for malformed data or a module that cannot be loaded (as
 *   a rejected promise)
 * @example
 * // main thread: worker.postMessage({ tasks: suite.tasks.map(taskData) })
 * // worker: const tasks = await rebuildTasks(message.tasks);
 */
export async function rebuildTasks(data: readonly TaskData[]): Promise<Task[]> {
  return rebuild('rebuildTasks', data);
}

async function rebuild(op: string, data: readonly TaskData[]): Promise<Task[]> {
  if (!Array.isArray(data)) throw new TypeError(`${op}: data must be an array of TaskData`);
  const families = new Map<string, Promise<LoadedFamily>>();
  const load = (ref: ModuleRef): Promise<LoadedFamily> => {
    let id: string | undefined;
    try {
      id = JSON.stringify([ref.module, ref.export ?? 'default', ref.params]);
    } catch {
      id = undefined; // params that JSON cannot write: load this one on its own
    }
    if (id === undefined) return loadFamilyChecked(op, ref);
    let p = families.get(id);
    if (p === undefined) {
      p = loadFamilyChecked(op, ref);
      families.set(id, p);
    }
    return p;
  };
  return Promise.all(
    data.map(async (d, i) => {
      const name = `data[${i}]`;
      if (d === null || typeof d !== 'object') {
        throw new TypeError(`${op}: ${name} must be a TaskData object, got ${String(d)}`);
      }
      if (d.kind !== 'custom') {
        checkTask(op, d);
        return d;
      }
      const r = checkInt(op, `${name}.r`, d.r, { min: 1 });
      const noise = checkNoise(op, `${name}.noise`, d.noise);
      const ref = checkModuleRef(op, `${name}.module`, d.module);
      assertKey(op, d.key);
      const index = checkInt(op, `${name}.index`, d.index, {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
      });
      const loaded = await load(ref);
      const family = {
        ...loaded,
        noise,
        ...(d.name === undefined ? {} : { name: String(d.name) }),
        module: d.module,
      };
      return drawCustom(op, d.key, family, r, index, false);
    }),
  );
}
