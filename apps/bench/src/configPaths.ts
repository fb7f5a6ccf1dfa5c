import { studySchema } from './config.js';

/** Keys that reach an object's prototype machinery instead of a config field. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

interface SchemaNode {
  readonly def: {
    readonly type: string;
    readonly shape?: Readonly<Record<string, SchemaNode>>;
    readonly innerType?: SchemaNode;
    readonly options?: readonly SchemaNode[];
    readonly element?: SchemaNode;
    /** A pipe's input schema (a transform after validation). */
    readonly in?: SchemaNode;
  };
}

// Optional, default and nullable wrappers hold the field's real schema; a pipe, its input.
function unwrap(node: SchemaNode): SchemaNode[] {
  const { def } = node;
  if (def.innerType !== undefined) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in !== undefined) return unwrap(def.in);
  if (def.type === 'union' && def.options !== undefined) return def.options.flatMap(unwrap);
  return [node];
}

/**
 * Checks a dotted config path of `--grid` against the study config schema: every key must be a
 * field of the config there (any variant of a tagged union), or an index into a list, and never
 * `__proto__`, `constructor` or `prototype`.
 *
 * @returns the problem, or undefined when the path names a config field
 */
export function configPathProblem(path: string): string | undefined {
  const keys = path.split('.');
  if (keys.some((k) => k === '')) return `${JSON.stringify(path)} has an empty key`;
  let nodes = unwrap(studySchema as unknown as SchemaNode);
  for (const [i, key] of keys.entries()) {
    const at = keys.slice(0, i).join('.') || '(root)';
    if (FORBIDDEN.has(key)) return `${JSON.stringify(key)} is not a config field (at ${at})`;
    const next: SchemaNode[] = [];
    const fields = new Set<string>();
    for (const n of nodes) {
      if (n.def.type === 'object' && n.def.shape !== undefined) {
        for (const f of Object.keys(n.def.shape)) fields.add(f);
        if (Object.hasOwn(n.def.shape, key)) next.push(...unwrap(n.def.shape[key]));
      } else if (n.def.type === 'array' && n.def.element !== undefined) {
        fields.add('<index>');
        if (/^(0|[1-9]\d{0,5})$/.test(key)) next.push(...unwrap(n.def.element));
      }
    }
    if (next.length === 0)
      return fields.size === 0
        ? `${at} is a value, it has no field ${JSON.stringify(key)}`
        : `${JSON.stringify(key)} is not a field of ${at} (known: ${[...fields].join(', ')})`;
    nodes = next;
  }
  return undefined;
}
