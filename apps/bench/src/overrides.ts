import { parse as parseYaml } from 'yaml';
import { ConfigError, parseStudy, type StudyConfig } from './config.js';
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

/**
 * A command-line value (of `--grid` and `--set`): JSON when it parses (numbers, booleans, null,
 * arrays, objects); else a YAML flow collection when it starts with `[` or `{` (`{kind: xor}`,
 * `[multiTask, oracle]`); else the text as a string.
 */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (/^[[{]/.test(text.trim())) {
      try {
        return parseYaml(text);
      } catch {
        // Not YAML either: the string, which validation then refuses, naming the field.
      }
    }
    return text;
  }
}

/** One `--set path=value` override of a config field (also what `--seed` and `--seeds` set). */
export interface Override {
  readonly path: string;
  readonly value: unknown;
  /** How the command line wrote it, for messages: `--set pretrain.T=64`, `--seed 3`. */
  readonly flag: string;
}

/**
 * Parses `--set path=value`: the path must be a field of the study config (see
 * {@link configPathProblem}), the value is parsed as a `--grid` value ({@link parseValue}).
 *
 * @throws {UsageError} for a missing `=`, an unknown or forbidden path, or an empty value
 */
export function parseSetOverride(spec: string): Override {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects path=value, got ${JSON.stringify(spec)}`);
  const path = spec.slice(0, eq);
  const problem = configPathProblem(path);
  if (problem !== undefined) throw new UsageError(`--set ${path}: ${problem}`);
  const text = spec.slice(eq + 1).trim();
  if (text === '') throw new UsageError(`--set ${path}: empty value in ${JSON.stringify(spec)}`);
  return { path, value: parseValue(text), flag: `--set ${path}=${text}` };
}

/** Whether two dotted paths set the same field (equal, or one inside the other). */
const overlap = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * Checks that no two overrides set the same field (one path equal to or inside another), and
 * that none sets a field a grid axis sets (the grid would silently win).
 *
 * @throws {UsageError} naming both flags
 */
export function checkOverrides(
  overrides: readonly Override[],
  axes: readonly GridAxis[] = [],
): void {
  for (const [i, a] of overrides.entries()) {
    for (const b of overrides.slice(0, i))
      if (overlap(a.path, b.path))
        throw new UsageError(`${b.flag} and ${a.flag} both set ${a.path}; give one of them`);
    for (const g of axes)
      if (overlap(a.path, g.path))
        throw new UsageError(
          `${a.flag} and --grid ${g.path} both set ${a.path}; put the value in the grid or drop the --grid axis`,
        );
  }
}

/** A copy of the raw config `raw` with `overrides` applied, in order. */
export function applyOverrides(raw: unknown, overrides: readonly Override[]): unknown {
  for (const o of overrides) raw = setPath(raw, o.path, o.value);
  return raw;
}

/** The name of a config with overrides, for messages: `c.yaml with --set pretrain.T=64 --seed 3`. */
export function overriddenSource(source: string, overrides: readonly Override[]): string {
  return overrides.length === 0
    ? source
    : `${source} with ${overrides.map((o) => o.flag).join(' ')}`;
}

/**
 * Validates `config` against the values `sets` (path to value) put into its raw form: each must
 * still be there after validation, so a result is never labelled with a value it did not run
 * with.
 *
 * @throws {ConfigError} naming every path whose value validation changed
 */
export function checkHeld(
  config: StudyConfig,
  sets: Readonly<Record<string, unknown>>,
  where: string,
  by: string,
): void {
  const off = Object.entries(sets).filter(([path, v]) => !holds(getPath(config, path), v));
  if (off.length > 0)
    throw new ConfigError(
      where,
      off.map(
        ([path, v]) =>
          `${path}: ${by} sets ${canonicalJson(v)}, but the validated config has ${canonicalJson(getPath(config, path) ?? null)}`,
      ),
    );
}

/**
 * The study config of the file contents `raw` with `overrides` applied, validated as a config
 * file is (every bad field named, the overrides named in the source).
 *
 * @throws {UsageError} for overrides that set one field twice
 * @throws {ConfigError} for an invalid result, naming each bad field
 */
export function overrideStudy(
  raw: unknown,
  source: string,
  overrides: readonly Override[],
  validate?: (c: StudyConfig) => string[],
): StudyConfig {
  checkOverrides(overrides);
  const where = overriddenSource(source, overrides);
  const config = parseStudy(applyOverrides(raw, overrides), where, validate);
  checkHeld(
    config,
    Object.fromEntries(overrides.map((o) => [o.path, o.value])),
    where,
    'the command line',
  );
  return config;
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
