import { loadChecked, type ModuleRef } from './moduleRef.js';
import {
  type CustomDrawFamily,
  type CustomFamily,
  type CustomFnFamily,
  checkTaskFamily,
  type ModuleFamily,
} from './taskFamily.js';

/** A custom family loaded from a module: its code plus the reference it came from. */
export type LoadedFamily = (CustomDrawFamily | CustomFnFamily) & { readonly module: ModuleRef };

function isCustomFamilyObject(value: unknown): value is CustomFamily {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { kind?: unknown; draw?: unknown; fn?: unknown };
  return v.kind === 'custom' && (typeof v.draw === 'function' || typeof v.fn === 'function');
}

/**
 * Loads a custom task family from a module reference: the export `ref.export` (default
 * `'default'`) of `ref.module` is a factory `(params) => family` (it may be async) returning
 * `{ kind: 'custom', draw, name?, noise?, balance? }` (or `{ kind: 'custom', fn, ... }`). The
 * result keeps `ref` as its `module`, so the tasks `taskSuite` draws from it keep the reference
 * and their keys, and `taskData` / `rebuildTasks` can carry them to a worker thread.
 *
 * @param ref - `{ module, export?, params? }`; module an absolute file URL or a package
 *   specifier
 * @returns the validated family with `module: ref`
 * @throws {TypeError} when ref is not a module reference, the export is not a function, or the
 *   factory does not return a custom family with a `draw` or `fn` function
 * @throws {RangeError} when the module cannot be imported or has no such export, or the
 *   family's noise, name or balance is invalid
 * @example
 * const family = await loadFamily({ module: new URL('./family.mjs', import.meta.url).href });
 * const suite = taskSuite(key(1), family, gt, 16); // suite.tasks[t].module is the reference
 */
export async function loadFamily(ref: ModuleRef): Promise<LoadedFamily> {
  return loadFamilyChecked('loadFamily', ref);
}

/** {@link loadFamily} with errors named after `op`. @internal */
export async function loadFamilyChecked(op: string, ref: unknown): Promise<LoadedFamily> {
  const value = await loadChecked(op, ref, {
    what: "a custom task family { kind: 'custom', draw: (key, { r, index }) => (z) => number }",
    check: isCustomFamilyObject,
  });
  const family = checkTaskFamily(op, { ...value, module: ref }, 1);
  return family as LoadedFamily;
}

/**
 * A module family with its code loaded; the family's own `name`, `noise` and `balance` override
 * the loaded ones. Any other family is returned as it is. @internal
 */
export async function resolveFamily<F>(op: string, family: F): Promise<F | LoadedFamily> {
  const f = family as Partial<ModuleFamily> | null;
  if (
    f === null ||
    typeof f !== 'object' ||
    f.kind !== 'custom' ||
    f.module === undefined ||
    f.draw !== undefined ||
    (f as { fn?: unknown }).fn !== undefined
  )
    return family;
  const loaded = await loadFamilyChecked(op, f.module);
  return {
    ...loaded,
    ...(f.name === undefined ? {} : { name: f.name }),
    ...(f.noise === undefined ? {} : { noise: f.noise }),
    ...(f.balance === undefined ? {} : { balance: f.balance }),
  };
}
