import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend, elementwisePath, getBackend } from '@mtrl/tensors';

const require = createRequire(import.meta.url);

/**
 * What a result's numbers depend on besides its config: the built code and the kernels it ran
 * on. Two machines with the same fingerprint compute the same numbers bit for bit; version
 * strings cannot say that (a build from changed code keeps its 0.1.0).
 */
export interface Software {
  /** SHA-256 of the fields below: the one string to compare. */
  readonly fingerprint: string;
  /** SHA-256 of the built code (the `dist` files) of the bench and every @mtrl package. */
  readonly code: string;
  /** The @mtrl/tensors backend (`js` or `wasm`). */
  readonly backend: string;
  /** The GEMM kernel of that backend (`typescript`, `simd128` or `relaxed-madd`). */
  readonly gemmKernel: string;
  /** How strided elementwise operations run (`ndarray-ops`: generated code, or `loops`). */
  readonly elementwisePath: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

// Type declarations and source maps do not change what runs.
const skipped = (name: string) =>
  name.endsWith('.map') || name.endsWith('.d.ts') || name.endsWith('.tsbuildinfo');

function hashTree(dir: string, prefix: string, into: string[]): void {
  if (!existsSync(dir)) {
    into.push(`${prefix} (missing)`);
    return;
  }
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) hashTree(path, `${prefix}/${e.name}`, into);
    else if (!skipped(e.name)) into.push(`${prefix}/${e.name} ${sha256(readFileSync(path))}`);
  }
}

let codeHash: string | undefined;

/**
 * SHA-256 of the built code: every file of the `dist` folders of the bench and of `packages`
 * (besides declarations and maps), by path and content. It is the build a worker process runs,
 * whether this process runs it or (in tests) the TypeScript sources; computed once per thread.
 */
export function builtCodeHash(packages: readonly string[]): string {
  if (codeHash === undefined) {
    const lines: string[] = [];
    const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    hashTree(join(benchRoot, 'dist'), '@mtrl/bench', lines);
    for (const p of packages) {
      let root: string | undefined;
      try {
        root = dirname(require.resolve(`@mtrl/${p}/package.json`));
      } catch {
        lines.push(`@mtrl/${p} (not installed)`);
      }
      if (root !== undefined) hashTree(join(root, 'dist'), `@mtrl/${p}`, lines);
    }
    codeHash = sha256(lines.join('\n'));
  }
  return codeHash;
}

/** The software of this thread now: built code, backend, GEMM kernel and elementwise path. */
export function currentSoftware(packages: readonly string[]): Software {
  const parts = {
    code: builtCodeHash(packages),
    backend: getBackend(),
    gemmKernel: describeBackend().gemmKernel,
    elementwisePath: elementwisePath(),
  };
  return { fingerprint: sha256(JSON.stringify(parts)), ...parts };
}

const LABELS: Record<Exclude<keyof Software, 'fingerprint'>, string> = {
  code: 'built code',
  backend: 'backend',
  gemmKernel: 'GEMM kernel',
  elementwisePath: 'elementwise path',
};

/**
 * The differences between two softwares, one phrase per part (`built code 3f2a1b2c on the
 * coordinator, 9b1c2d3e here`); empty when the fingerprints agree. A malformed `expected`
 * (missing parts) is named as such.
 */
export function softwareDifferences(
  expected: Partial<Software> | undefined,
  actual: Software,
  labels: readonly [string, string] = ['on the coordinator', 'here'],
): string[] {
  if (expected?.fingerprint === actual.fingerprint) return [];
  const short = (k: keyof typeof LABELS, v: unknown) =>
    typeof v !== 'string' ? '(absent)' : k === 'code' ? v.slice(0, 12) : v;
  const diffs = (Object.keys(LABELS) as (keyof typeof LABELS)[])
    .filter((k) => expected?.[k] !== actual[k])
    .map(
      (k) =>
        `${LABELS[k]} ${short(k, expected?.[k])} ${labels[0]}, ${short(k, actual[k])} ${labels[1]}`,
    );
  return diffs.length > 0
    ? diffs
    : [
        `software fingerprint ${String(expected?.fingerprint).slice(0, 12)} ${labels[0]}, ${actual.fingerprint.slice(0, 12)} ${labels[1]}`,
      ];
}
