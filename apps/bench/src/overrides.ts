import { configPathProblem } from './configPaths.js';
import { canonicalJson } from './queue/sweepIdentity.js';
import { UsageError } from './usageError.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A copy of `obj` with the value at a dotted path replaced (`pretrain.T`, `groundTruth.d`),
 * creating intermediate objects as needed. Only own properties are followed, so no path reaches
 * a prototype.
 *
 * @throws {Error} for an empty key or `__proto__`, `constructor` or `prototype`
 */
export function setPath(obj: unknown, path: string, value: unknown): unknown {
  const keys = path.split('.');
  if (keys.some((k) => k.length === 0 || FORBIDDEN.has(k)))
    throw new Error(`bad key path ${JSON.stringify(path)}`);
  const root = structuredClone(obj ?? {}) as Record<string, unknown>;
  let node = root;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, k) ? node[k] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return root;
}

/** The value at a dotted path of `obj` (own properties only), or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let node = obj;
  for (const k of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, k)) return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/**
 * Whether `actual` holds `expected`: equal primitives, arrays of the same length holding each
 * other's elements, objects holding every field of `expected` (validation may add defaults).
 */
export function holds(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((v, i) => holds(actual[i], v))
    );
  return Object.entries(expected).every(
    ([k, v]) => Object.hasOwn(actual, k) && holds((actual as Record<string, unknown>)[k], v),
  );
}

/** A command-line value: JSON when it parses (numbers, booleans, arrays), else a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One axis of a sweep grid. */
export interface GridAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

/**
 * Parses `key=v1,v2,...` (values split on commas outside brackets). The key must be a field of
 * the study config (see {@link configPathProblem}) and no value may appear twice.
 *
 * @throws {UsageError} for a missing `=`, an unknown or forbidden key, an empty value or a
 *   repeated value
 */
export function parseGridAxis(spec: string): GridAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--grid expects key=v1,v2,..., got ${JSON.stringify(spec)}`);
  const path = spec.slice(0, eq);
  const problem = configPathProblem(path);
  if (problem !== undefined) throw new UsageError(`--grid ${path}: ${problem}`);
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of spec.slice(eq + 1)) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  if (parts.some((p) => p.trim() === ''))
    throw new UsageError(`--grid ${path}: empty value in ${JSON.stringify(spec)}`);
  const values = parts.map((p) => parseValue(p.trim()));
  const seen = new Set<string>();
  for (const v of values) {
    const k = canonicalJson(v);
    if (seen.has(k)) throw new UsageError(`--grid ${path}: the value ${k} is given twice`);
    seen.add(k);
  }
  return { path, values };
}

/**
 * Checks that no axis is given twice and none is inside another (`pretrain` and `pretrain.T`
 * would set one field twice).
 *
 * @throws {UsageError} naming the two axes
 */
export function checkGridAxes(axes: readonly GridAxis[]): void {
  for (const [i, a] of axes.entries()) {
    for (const b of axes.slice(0, i)) {
      if (a.path === b.path)
        throw new UsageError(
          `--grid ${a.path} is given twice; put all its values in one --grid ${a.path}=v1,v2,...`,
        );
      const [outer, inner] = a.path.length < b.path.length ? [a, b] : [b, a];
      if (inner.path.startsWith(`${outer.path}.`))
        throw new UsageError(
          `--grid ${inner.path} is inside --grid ${outer.path}: both would set it; use one of them`,
        );
    }
  }
}

/** The cartesian product of grid axes, as override records in a stable order. */
export function gridPoints(axes: readonly GridAxis[]): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.path]: v })));
  }
  return points;
}

/** A stable identifier of a grid point (keys sorted). */
export function pointId(point: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(point)
      .sort()
      .map((k) => [k, point[k]]),
  );
}
