import { canonicalJson } from './queue/sweepIdentity.js';

/**
 * The fields in which two configs (or any JSON values) differ, as dotted paths with both values:
 * `groundTruth.d 32 there, 16 here`. At most `limit` lines, then a count of the rest.
 */
export function configDifferences(
  there: unknown,
  here: unknown,
  labels: readonly [string, string] = ['there', 'here'],
  limit = 5,
): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    const plain = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (plain(a) && plain(b)) {
      const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
      for (const k of keys)
        walk(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          path === '' ? k : `${path}.${k}`,
        );
      return;
    }
    const ta = a === undefined ? '(absent)' : canonicalJson(a);
    const tb = b === undefined ? '(absent)' : canonicalJson(b);
    if (ta !== tb)
      out.push(`${path || '(the whole config)'} ${ta} ${labels[0]}, ${tb} ${labels[1]}`);
  };
  walk(there, here, '');
  return out.length > limit ? [...out.slice(0, limit), `and ${out.length - limit} more`] : out;
}
