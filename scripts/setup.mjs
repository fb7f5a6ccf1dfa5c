#!/usr/bin/env node
// `npm run setup`: installs the workspace on a machine that has only Node >= 20 and npm.
// The pinned pnpm comes through npx, then lives in node_modules/.bin (a root devDependency),
// where turbo finds it: npm puts node_modules/.bin first on PATH for every `npm run` script,
// so no global pnpm, turbo or corepack is needed, and a global one is never used.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  process.stderr.write(`setup: ${message}\n`);
  process.exit(1);
};

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= 20))
  fail(
    `mtrl needs Node >= 20, and this is Node ${process.versions.node}: install Node 20 or newer`,
  );

const manager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(manager ?? '')?.[1];
if (pinned === undefined) fail(`package.json's packageManager must be pnpm@X.Y.Z, got ${manager}`);

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const frozen = process.argv.includes('--no-frozen') ? [] : ['--frozen-lockfile'];
const run = spawnSync(npx, ['-y', `pnpm@${pinned}`, 'install', ...frozen], {
  cwd: root,
  stdio: 'inherit',
});
if (run.error !== undefined)
  fail(`could not run npx (${run.error.message}): npm >= 9 must be on PATH beside node`);
if (run.status !== 0)
  fail(
    `pnpm ${pinned} install failed (exit ${run.status}); the npm registry must be reachable to fetch pnpm and the dependencies`,
  );

for (const tool of ['pnpm', 'turbo', 'vitest', 'tsc', 'biome']) {
  if (!existsSync(join(root, 'node_modules', '.bin', tool)))
    fail(`node_modules/.bin/${tool} is missing after the install: delete node_modules and rerun`);
}
