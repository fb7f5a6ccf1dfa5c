import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file is tests/pack/src/_run.ts). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** This test package's folder. */
export const HERE = fileURLToPath(new URL('../', import.meta.url));

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

const tail = (s: string, n = 6000): string => (s.length > n ? `...${s.slice(-n)}` : s);

/**
 * Runs a command without a shell and resolves with its output; rejects with the command, its
 * folder, exit code and the tails of stdout and stderr when it fails or times out.
 */
export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? cleanEnv(),
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = err.killed ? `killed (${err.signal}, timeout?)` : `exit code ${err.code}`;
          reject(
            new Error(
              `${[cmd, ...args].join(' ')} (in ${opts.cwd}) failed: ${code}\n` +
                `--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

// npm settings a user might rely on (a mirror, a proxy, a cache); every other npm_* and pnpm_*
// variable comes from the pnpm/turbo run that started this test and must not leak into the
// plain npm of the consumer projects.
const KEEP = /^npm_config_(registry|cache|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;

/** The environment for child processes: no pnpm/npm script variables, no NODE_OPTIONS. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(k) && !KEEP.test(k)) continue;
    if (k === 'NODE_OPTIONS' || k === 'INIT_CWD' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

/** How to call pnpm: the one running this script when there is one, else pnpm on PATH. */
export function pnpmCommand(): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/i.test(basename(exec)) && existsSync(exec)) {
    return /\.[cm]?js$/.test(exec) ? [process.execPath, [exec]] : [exec, []];
  }
  return ['pnpm', []];
}

/** The JavaScript file of a bin of one of this package's devDependencies. */
export function binOf(pkg: string, bin: string): string {
  const dir = realpathSync(join(HERE, 'node_modules', pkg));
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const rel = typeof json.bin === 'string' ? json.bin : json.bin[bin];
  if (rel === undefined) throw new Error(`binOf: ${pkg} has no bin ${bin}`);
  return join(dir, rel);
}

/** A workspace package under packages/: its folder name and package.json. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly json: Record<string, unknown> & { name: string; version: string; private?: boolean };
}

/** Every package under packages/, sorted by folder name. */
export function publishedPackages(): WorkspacePackage[] {
  return readdirSync(join(ROOT, 'packages'))
    .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
    .sort()
    .map((dir) => ({
      dir,
      json: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')),
    }));
}

/** Runs `fn` over `items`, at most `limit` at a time, and collects the failures. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
}
