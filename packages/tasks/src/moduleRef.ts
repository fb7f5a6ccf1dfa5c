import { checkString, formatValue } from '@mtrl/tensors';

/**
 * A reference to user code that must cross a thread boundary, as plain data: a worker thread
 * rebuilds the thing with `await loadModuleRef(ref)`.
 *
 * The module's export (`export`, default `'default'`) is a factory `(params) => thing`,
 * called with `params` (plain, structured-cloneable data) every time the reference is loaded.
 */
export interface ModuleRef {
  /**
   * What to `import()`: an absolute file URL (`new URL('./family.mjs', import.meta.url).href`)
   * or a package specifier resolvable from the worker. Relative paths are refused, since a
   * worker would resolve them against another file.
   */
  readonly module: string;
  /** The named export holding the factory; default `'default'`. */
  readonly export?: string;
  /** The factory's argument; plain data (it is copied to every worker). */
  readonly params?: unknown;
}

/**
 * Whether `value` has the shape of a {@link ModuleRef}: an object with a non-empty string
 * `module` and, when present, a string `export`.
 *
 * @param value - anything
 * @returns true for `{ module: string, export?: string, params? }`
 * @example
 * isModuleRef({ module: 'file:///study/family.mjs' }); // returns true
 * isModuleRef({ kind: 'custom', fn: (z) => z[0] }); // returns false
 */
export function isModuleRef(value: unknown): value is ModuleRef {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as { module?: unknown; export?: unknown };
  return (
    typeof v.module === 'string' &&
    v.module.length > 0 &&
    (v.export === undefined || typeof v.export === 'string')
  );
}

/**
 * Checks a module reference and returns a copy with `export` filled in. @internal
 */
export function checkModuleRef(op: string, name: string, value: unknown): ModuleRef {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      `${op}: ${name} must be a module reference { module, export?, params? }, got ${formatValue(value)}`,
    );
  }
  const v = value as { module?: unknown; export?: unknown; params?: unknown };
  const module = checkString(op, `${name}.module`, v.module);
  if (module.length === 0 || module.startsWith('./') || module.startsWith('../')) {
    throw new RangeError(
      `${op}: ${name}.module must be an absolute file URL or a package specifier (for a file next to yours: new URL('./family.mjs', import.meta.url).href), got ${formatValue(module)}`,
    );
  }
  const exportName = checkString(op, `${name}.export`, v.export ?? 'default');
  return v.params === undefined
    ? { module, export: exportName }
    : { module, export: exportName, params: v.params };
}

/** What {@link loadModuleRef} checks the factory's result against. */
export interface ModuleRefExpectation<T> {
  /** What the factory must return, for the error message (for example `'a task family'`). */
  readonly what: string;
  /** True when the factory's result is acceptable. */
  readonly check: (value: unknown) => value is T;
}

/**
 * Loads a {@link ModuleRef}: `await import(ref.module)`, takes the export `ref.export`
 * (default `'default'`), calls it with `ref.params` and awaits the result, so a factory may be
 * async. With `expect`, the result must pass `expect.check`.
 *
 * @param ref - `{ module, export?, params? }`
 * @param expect - `{ what, check }`, an optional check of the factory's result
 * @returns what the factory returned
 * @throws {TypeError} when ref is not a module reference, the export is not a function, or the
 *   factory's result fails `expect.check`
 * @throws {RangeError} when the module cannot be imported (the import error is the `cause`), or
 *   it has no such export, or `ref.module` is a relative path
 * @example
 * const family = await loadModuleRef({ module: 'file:///study/family.mjs', params: { k: 3 } });
 */
export async function loadModuleRef<T = unknown>(
  ref: ModuleRef,
  expect?: ModuleRefExpectation<T>,
): Promise<T> {
  return loadChecked('loadModuleRef', ref, expect);
}

/** {@link loadModuleRef} with errors named after `op`. @internal */
export async function loadChecked<T>(
  op: string,
  ref: unknown,
  expect?: ModuleRefExpectation<T>,
): Promise<T> {
  const r = checkModuleRef(op, 'ref', ref);
  const exportName = r.export ?? 'default';
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(/* @vite-ignore */ r.module)) as Record<string, unknown>;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new RangeError(`${op}: cannot import ref.module ${JSON.stringify(r.module)}: ${why}`, {
      cause,
    });
  }
  if (!(exportName in namespace)) {
    const names = Object.keys(namespace)
      .filter((k) => k !== '__esModule')
      .sort();
    throw new RangeError(
      `${op}: ${r.module} has no export ${formatValue(exportName)} (it exports ${names.length === 0 ? 'nothing' : names.map((n) => `'${n}'`).join(', ')})`,
    );
  }
  const factory = namespace[exportName];
  if (typeof factory !== 'function') {
    throw new TypeError(
      `${op}: the export ${formatValue(exportName)} of ${r.module} must be a factory function (params) => value, got ${formatValue(factory)}`,
    );
  }
  const value: unknown = await factory(r.params);
  if (expect !== undefined && !expect.check(value)) {
    throw new TypeError(
      `${op}: the factory ${formatValue(exportName)} of ${r.module} must return ${expect.what}, got ${formatValue(value)}`,
    );
  }
  return value as T;
}
