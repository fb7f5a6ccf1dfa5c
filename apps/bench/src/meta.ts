import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { describeBackend, getBackend } from '@mtrl/tensors';
import { currentSoftware, type Software } from './fingerprint.js';

const require = createRequire(import.meta.url);

/** The @mtrl packages whose versions every result records. */
export const PACKAGES = [
  'tensors',
  'tasks',
  'network',
  'optim',
  'pretrain',
  'probes',
  'baselines',
] as const;

/** Package versions, machine and runtime, written into every result. */
export interface RunMeta {
  readonly bench: string;
  /** The git commit of the checkout the bench runs from (with `-dirty` when it has changes), or null outside a git checkout. */
  readonly commit: string | null;
  readonly packages: Readonly<Record<string, string>>;
  readonly machine: {
    cores: number;
    cpu: string;
    memoryGiB: number;
    platform: string;
    arch: string;
  };
  readonly node: string;
  /** The @mtrl/tensors compute backend the run used (`js` or `wasm`); results can differ in the last bits between backends. */
  readonly backend: string;
  /** The GEMM kernel variant of that backend (`typescript`, `simd128` or `relaxed-madd`). */
  readonly gemmKernel: string;
  /**
   * The software fingerprint (built code, backend, GEMM kernel, elementwise path): what the
   * numbers depend on. Queued sweeps and resumed reproductions compare it, not versions.
   */
  readonly software: Software;
  readonly startedAt: string;
}

function versionOf(name: string): string {
  try {
    const path = require.resolve(`@mtrl/${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The commit of the git checkout holding the bench, `-dirty` when files differ from it; null without git. */
export function gitCommit(): string | null {
  const cwd = new URL('.', import.meta.url).pathname;
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const head = git(['rev-parse', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return `${head}${dirty ? '-dirty' : ''}`;
  } catch {
    return null;
  }
}

/** The versions of mtrl-bench and of the @mtrl packages it runs (`mtrl-bench --version`). */
export function benchVersions(): { bench: string; packages: Record<string, string> } {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const packages: Record<string, string> = {};
  for (const p of PACKAGES) packages[`@mtrl/${p}`] = versionOf(p);
  return { bench: own.version, packages };
}

/** Facts about this run's software and machine. */
export function runMeta(): RunMeta {
  const { bench, packages } = benchVersions();
  const cpus = os.cpus();
  return {
    bench,
    commit: gitCommit(),
    packages,
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: os.platform(),
      arch: os.arch(),
    },
    node: process.version,
    backend: getBackend(),
    gemmKernel: describeBackend().gemmKernel,
    software: currentSoftware(PACKAGES),
    startedAt: new Date().toISOString(),
  };
}
