/**
 * A copy of `obj` with the value at a dotted path replaced (`pretrain.T`, `groundTruth.d`),
 * creating intermediate objects as needed.
 */
export function setPath(obj: unknown, path: string, value: unknown): unknown {
  const keys = path.split('.');
  if (keys.some((k) => k.length === 0)) throw new Error(`bad key path ${JSON.stringify(path)}`);
  const root = structuredClone(obj ?? {}) as Record<string, unknown>;
  let node = root;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined || next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return root;
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
 * Parses `key=v1,v2,...` (values split on commas outside brackets).
 *
 * @throws {Error} for a missing `=` or an empty value list
 */
export function parseGridAxis(spec: string): GridAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`--grid expects key=v1,v2,..., got ${JSON.stringify(spec)}`);
  const path = spec.slice(0, eq);
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
    throw new Error(`--grid ${path}: empty value in ${JSON.stringify(spec)}`);
  return { path, values: parts.map((p) => parseValue(p.trim())) };
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
