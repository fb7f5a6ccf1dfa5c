#!/usr/bin/env node
// The release rehearsal: the README's release steps, for real, against a throwaway registry.
//
//  1. starts verdaccio (this package's exact-pinned devDependency) on 127.0.0.1 at a free port,
//     its config, storage and htpasswd in a new temporary folder, no uplinks, and signs up a
//     throwaway user for the publish token;
//  2. clones the repository (`git clone`, never the working tree itself) into the temporary
//     folder, on a throwaway branch at the current HEAD, and installs it (frozen lockfile);
//  3. `pnpm run version-packages` there: the pending changesets (or, with none pending, a patch
//     for every package) bump the versions, write each CHANGELOG.md and are deleted; the result
//     is committed on the throwaway branch;
//  4. builds every package under packages/ and publishes each to the local registry with
//     `pnpm publish --registry <local> --provenance=false`: publishConfig names the public
//     registry and asks for provenance, and only command-line flags win over it (`pnpm publish
//     -r` always sends to publishConfig.registry); then reads the published metadata back;
//  5. in a fresh npm project outside the workspace (its own npm cache and userconfig, the @mtrl
//     scope mapped to the local registry) runs `npm install @mtrl/pretrain@^<new version>`, then
//     every README's install line, checks what got installed (versions, registry tarballs,
//     `^` ranges between the packages, one copy each), and runs a study, a TypeScript consumer,
//     every README's first ```ts example (compiled with tsc) and the root examples/*.mjs.
//
// verdaccio is stopped and the temporary folder removed on success, failure or interrupt.
// Flags: --keep keeps the temporary folder (also MTRL_RELEASE_KEEP=1); --worktree [PATHSPEC...]
// copies uncommitted files of the working tree (all, or those matching the pathspecs) into the
// clone first, to rehearse changes before committing them. Prints one closing line:
// `release rehearsal: passed ...` or `release rehearsal: FAILED ...`.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const NODE = process.execPath;
const started = Date.now();

const argv = process.argv.slice(2);
const KEEP = argv.includes('--keep') || process.env.MTRL_RELEASE_KEEP === '1';
const worktreeAt = argv.indexOf('--worktree');
const WORKTREE =
  worktreeAt < 0 ? null : argv.slice(worktreeAt + 1).filter((a) => !a.startsWith('--'));

/** The JavaScript file of a bin of a package installed in `dir`'s node_modules. */
function binOf(dir, pkg, bin = pkg) {
  const root = realpathSync(join(dir, 'node_modules', pkg));
  const json = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const rel = typeof json.bin === 'string' ? json.bin : json.bin?.[bin];
  if (!rel) throw new Error(`${pkg} has no bin ${bin}`);
  return join(root, rel);
}

const PNPM = binOf(ROOT, 'pnpm');
const TSC = binOf(HERE, 'typescript', 'tsc');
const VERDACCIO = binOf(HERE, 'verdaccio');
const VERDACCIO_VERSION = JSON.parse(
  readFileSync(join(realpathSync(join(HERE, 'node_modules', 'verdaccio')), 'package.json'), 'utf8'),
).version;

const secs = (ms) => `${(ms / 1000).toFixed(0)} s`;
const log = (line) => process.stdout.write(`release: ${line}\n`);
let checks = 0;
/** An assertion that counts: throws `message` unless `ok`. */
function check(ok, message) {
  if (!ok) throw new Error(`check failed: ${message}`);
  checks++;
}

// npm's own variables from an `npm run`/`pnpm run` that started this script must not reach the
// child tools; a user's proxy and certificate settings may. Tokens and CI identity variables
// never reach them: the publish uses the throwaway user's token only and no provenance.
const KEEP_NPM = /^npm_config_(proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;
const DROP = /^(NODE_OPTIONS|INIT_CWD|NPM_TOKEN|NODE_AUTH_TOKEN|ACTIONS_ID_TOKEN_\w+|VITEST\w*)$/;
function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(k) && !KEEP_NPM.test(k)) continue;
    if (DROP.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    TURBO_TELEMETRY_DISABLED: '1',
    TURBO_NO_UPDATE_NOTIFIER: '1',
  };
}

const children = new Set();
/** Kills a child started with `detached: true` and everything in its process group. */
function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
const tail = (s, n = 4000) => (s.length > n ? `...${s.slice(-n)}` : s);

/** Runs a command without a shell; resolves with its output, rejects with its tail. */
function run(cmd, args, { cwd, env = baseEnv(), timeoutMs = 300_000 }) {
  return new Promise((resolve, reject) => {
    // Its own process group, so that a timeout or an interrupt ends what it started too
    // (turbo's tasks, pnpm's npm).
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const how = signal ? `killed by ${signal} (timeout ${secs(timeoutMs)}?)` : `exit ${code}`;
        const shown = [cmd === NODE ? '' : cmd, ...args].filter(Boolean).join(' ');
        reject(
          new Error(
            `${shown} (in ${cwd}) failed: ${how}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
          ),
        );
      }
    });
  });
}

const pnpm = (cwd, args, opts = {}) => run(NODE, [PNPM, ...args], { cwd, ...opts });
const git = (cwd, args) =>
  run(
    'git',
    ['-c', 'user.name=release rehearsal', '-c', 'user.email=rehearsal@localhost', ...args],
    {
      cwd,
    },
  );

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let tmp = '';
let registryProcess = null;
let cleaned = false;

/** Stops verdaccio and every child still running, and removes the temporary folder. */
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) killGroup(child);
  if (registryProcess) killGroup(registryProcess);
  if (tmp && !KEEP) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp}`);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stdout.write(`release rehearsal: FAILED (interrupted by ${sig})\n`);
    cleanup();
    process.exit(130);
  });
}

/** Starts verdaccio in `dir` on 127.0.0.1 and resolves with its URL once it answers. */
async function startRegistry(dir) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  // No uplinks: @mtrl/* comes from this registry alone; the consumer gets other packages
  // (ndarray, @types/node) from the npm registry it normally uses.
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 1',
      'packages:',
      "  '@mtrl/*':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'max_body_size: 100mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const out = openSync(join(dir, 'verdaccio.log'), 'a');
  registryProcess = spawn(
    NODE,
    [VERDACCIO, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { cwd: dir, env: baseEnv(), stdio: ['ignore', out, out], detached: true },
  );
  let exited = null;
  registryProcess.on('exit', (code, signal) => (exited = signal ?? code));
  const until = Date.now() + 60_000;
  for (;;) {
    if (exited !== null)
      throw new Error(
        `verdaccio exited (${exited}) before answering:\n${readFileSync(join(dir, 'verdaccio.log'), 'utf8')}`,
      );
    try {
      const r = await fetch(`${url}-/ping`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('verdaccio did not answer /-/ping within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  // A throwaway user (htpasswd, max_users 1): the token npm publish sends.
  const user = 'rehearsal';
  const r = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${user}`, name: user, password: 'rehearsal' }),
  });
  const body = await r.json();
  if (!r.ok || typeof body.token !== 'string')
    throw new Error(`verdaccio refused the throwaway user: ${r.status} ${JSON.stringify(body)}`);
  return { url, port, token: body.token };
}

/** Package folders under `repo`/packages, sorted by name. */
const packageDirs = (repo) =>
  readdirSync(join(repo, 'packages'))
    .filter((d) => existsSync(join(repo, 'packages', d, 'package.json')))
    .sort();
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Copies the working tree's uncommitted files (matching `pathspecs`) into the clone. */
async function overlayWorktree(repo, pathspecs) {
  const spec = ['--', ...pathspecs];
  const { stdout: changed } = await run(
    'git',
    ['ls-files', '-z', '--modified', '--others', '--exclude-standard', ...spec],
    { cwd: ROOT },
  );
  const { stdout: deleted } = await run('git', ['ls-files', '-z', '--deleted', ...spec], {
    cwd: ROOT,
  });
  const gone = new Set(deleted.split('\0').filter(Boolean));
  const files = [...new Set(changed.split('\0').filter(Boolean))];
  for (const f of files) {
    if (gone.has(f)) continue;
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(repo, f));
  }
  for (const f of gone) rmSync(join(repo, f), { force: true });
  log(`--worktree: copied ${files.length - gone.size} and removed ${gone.size} files`);
  if (files.length > 0 || gone.size > 0) {
    await git(repo, ['add', '-A']);
    await git(repo, ['commit', '-q', '--no-verify', '-m', 'rehearsal: working tree']);
  }
}

async function main() {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'mtrl-release-')));
  check(relative(ROOT, tmp).startsWith('..'), `${tmp} must be outside ${ROOT}`);
  const step = async (name, fn) => {
    const t0 = Date.now();
    current = `'${name}'`;
    const result = await fn();
    log(`ok ${name} (${secs(Date.now() - t0)})`);
    current = `the checks after '${name}'`;
    return result;
  };

  // 1. The registry.
  const registry = await step(`start verdaccio ${VERDACCIO_VERSION}`, () =>
    startRegistry(join(tmp, 'registry')),
  );
  const { url } = registry;
  const host = url.replace(/^http:/, '');
  log(`registry at ${url}`);

  // 2. The throwaway clone.
  const repo = join(tmp, 'repo');
  const head = await step('git clone', async () => {
    const sha = (await run('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim();
    await run('git', ['clone', '-q', '--no-checkout', ROOT, repo], { cwd: tmp });
    await git(repo, ['checkout', '-q', '-b', 'release-rehearsal', sha]);
    if (WORKTREE) await overlayWorktree(repo, WORKTREE);
    return sha;
  });
  log(`throwaway branch release-rehearsal at ${head.slice(0, 12)} in ${repo}`);
  await step('pnpm install --frozen-lockfile', () =>
    pnpm(repo, ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], {
      timeoutMs: 600_000,
    }),
  );

  // 3. changeset version.
  const dirs = packageDirs(repo);
  const before = Object.fromEntries(
    dirs.map((d) => [d, readJson(join(repo, 'packages', d, 'package.json'))]),
  );
  const pending = readdirSync(join(repo, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  if (pending.length === 0) {
    // Right after a release nothing is pending: rehearse with a patch for every package.
    const lines = dirs.map((d) => `'${before[d].name}': patch`);
    writeFileSync(
      join(repo, '.changeset', 'release-rehearsal.md'),
      `---\n${lines.join('\n')}\n---\n\nRelease rehearsal (no changeset was pending).\n`,
    );
    pending.push('release-rehearsal.md');
    log('no pending changesets: rehearsing with a patch changeset for every package');
  }
  await step(`changeset version (${pending.length} changesets)`, () =>
    pnpm(repo, ['run', 'version-packages']),
  );
  const after = Object.fromEntries(
    dirs.map((d) => [d, readJson(join(repo, 'packages', d, 'package.json'))]),
  );
  const left = readdirSync(join(repo, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  check(left.length === 0, `changeset version applied every changeset (left: ${left.join(', ')})`);
  const bumps = [];
  for (const d of dirs) {
    const { name, version } = after[d];
    const old = before[d].version;
    for (const field of DEP_FIELDS)
      for (const [dep, range] of Object.entries(after[d][field] ?? {}))
        if (dep.startsWith('@mtrl/'))
          check(range === 'workspace:^', `${name} keeps ${dep}: workspace:^ in the repository`);
    check(
      JSON.stringify(after[d].publishConfig) ===
        JSON.stringify({
          access: 'public',
          provenance: true,
          registry: 'https://registry.npmjs.org/',
        }),
      `${name}: publishConfig is set for the public registry with provenance`,
    );
    // A package that no changeset names (directly or through a dependency) keeps its version:
    // on the real registry it is already there; this empty registry takes it as it is.
    if (version === old) continue;
    bumps.push(`${name} ${old} -> ${version}`);
    const changelog = join(repo, 'packages', d, 'CHANGELOG.md');
    check(existsSync(changelog), `${name} has a CHANGELOG.md`);
    const text = readFileSync(changelog, 'utf8');
    check(text.startsWith(`# ${name}\n`), `${name} CHANGELOG.md starts with its name`);
    check(text.includes(`\n## ${version}\n`), `${name} CHANGELOG.md has a section for ${version}`);
  }
  check(bumps.length > 0, 'changeset version bumped at least one package');
  for (const b of bumps) log(`  ${b}`);
  const bumped = new Set(bumps.map((b) => b.split(' ')[0]));
  const networkVersion = readFileSync(join(repo, 'packages/network/src/version.ts'), 'utf8');
  check(
    networkVersion.includes(`'${after.network.version}'`),
    `packages/network/src/version.ts says ${after.network.version}`,
  );
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '--no-verify', '-m', 'Version packages (release rehearsal)']);

  // 4. Build and publish.
  await step('turbo run build --filter=./packages/*', () =>
    // turbo straight from the clone's node_modules/.bin, which also comes first on PATH so that
    // turbo finds the clone's pinned pnpm (`pnpm exec` would put a relative ./node_modules/.bin
    // first, which turbo resolves against each package's folder).
    run(
      join(repo, 'node_modules', '.bin', 'turbo'),
      ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
      {
        cwd: repo,
        env: { ...baseEnv(), PATH: `${join(repo, 'node_modules', '.bin')}:${process.env.PATH}` },
        timeoutMs: 900_000,
      },
    ),
  );
  const publishRc = join(tmp, 'publish.npmrc');
  writeFileSync(publishRc, `${host}:_authToken=${registry.token}\n`);
  const emptyRc = join(tmp, 'empty.npmrc');
  writeFileSync(emptyRc, '');
  const publishEnv = {
    ...baseEnv(),
    npm_config_userconfig: publishRc,
    npm_config_globalconfig: emptyRc,
    npm_config_cache: join(tmp, 'publish-cache'),
  };
  const publishArgs = [
    'publish',
    '--registry',
    url,
    '--provenance=false',
    '--no-git-checks',
    '--access',
    'public',
    '--tag',
    'latest',
  ];
  await step(`pnpm publish ${dirs.length} packages`, async () => {
    for (const d of dirs) {
      const cwd = join(repo, 'packages', d);
      const { name, version } = after[d];
      // publishConfig names registry.npmjs.org and asks for provenance; only command-line
      // flags win over it (npm would otherwise send this to the public registry, where the
      // throwaway userconfig has no token, and fail).
      const real = await pnpm(cwd, publishArgs, { env: publishEnv });
      check(
        `${real.stdout}\n${real.stderr}`.includes(`Publishing to ${url} with tag latest`),
        `${name}: npm published to ${url}:\n${tail(`${real.stdout}\n${real.stderr}`, 1500)}`,
      );
      check(
        `${real.stdout}\n${real.stderr}`.includes(`+ ${name}@${version}`),
        `${name}@${version} was published`,
      );
    }
  });

  // What the registry now serves.
  const served = {};
  for (const d of dirs) {
    const { name, version } = after[d];
    const r = await fetch(`${url}${name.replace('/', '%2f')}`);
    check(r.ok, `${url} serves ${name} (${r.status})`);
    const doc = await r.json();
    check(doc['dist-tags']?.latest === version, `${name}: latest is ${version}`);
    const m = doc.versions?.[version];
    check(m !== undefined, `${name}@${version} is on the registry`);
    check(
      m.dist?.tarball === `${url}${name}/-/${name.split('/')[1]}-${version}.tgz`,
      `${name}: the tarball is served by the local registry (${m.dist?.tarball})`,
    );
    check(m.publishConfig?.access === 'public', `${name}: published with access public`);
    check(
      m.publishConfig?.provenance === true,
      `${name}: published publishConfig keeps provenance`,
    );
    check(
      m.publishConfig?.registry === 'https://registry.npmjs.org/',
      `${name}: published publishConfig keeps the public registry`,
    );
    for (const field of DEP_FIELDS)
      for (const [dep, range] of Object.entries(m[field] ?? {})) {
        check(!/^(workspace|file|link):/.test(range), `${name} -> ${dep}: ${range} is a range`);
        const target = dirs.find((x) => after[x].name === dep);
        if (target)
          check(
            range === `^${after[target].version}`,
            `${name} -> ${dep} is ^${after[target].version}`,
          );
      }
    served[name] = version;
  }

  // 5. A user's fresh project.
  const app = join(tmp, 'app');
  mkdirSync(app);
  const appRc = join(tmp, 'app.npmrc');
  writeFileSync(appRc, `@mtrl:registry=${url}\n`);
  const npmEnv = {
    ...baseEnv(),
    npm_config_userconfig: appRc,
    npm_config_globalconfig: emptyRc,
    npm_config_cache: join(tmp, 'app-cache'),
    // Keep a registry mirror the user set for the other packages; @mtrl goes to the local one.
    ...(process.env.npm_config_registry
      ? { npm_config_registry: process.env.npm_config_registry }
      : {}),
  };
  const npm = (args) =>
    run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      env: npmEnv,
      timeoutMs: 300_000,
    });
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'rehearsal-app', private: true, type: 'module' }, null, 2)}\n`,
  );
  const pretrain = served['@mtrl/pretrain'];
  await step(`npm install @mtrl/pretrain@^${pretrain}`, () =>
    npm(['install', `@mtrl/pretrain@^${pretrain}`]),
  );
  const lock = () => readJson(join(app, 'package-lock.json')).packages;
  const mtrlIn = (pkgs) =>
    Object.entries(pkgs).filter(([p]) => /(^|\/)node_modules\/@mtrl\//.test(p));
  const pretrainDeps = Object.keys(after.pretrain.dependencies).filter((n) =>
    n.startsWith('@mtrl/'),
  );
  check(
    JSON.stringify(
      mtrlIn(lock())
        .map(([p]) => p)
        .sort(),
    ) ===
      JSON.stringify(['@mtrl/pretrain', ...pretrainDeps].map((n) => `node_modules/${n}`).sort()),
    `@mtrl/pretrain alone brings exactly its @mtrl dependencies (${pretrainDeps.join(', ')})`,
  );

  // Every README's install line, as written (bare names: the latest dist-tag).
  const readmes = dirs.map((d) => ({
    d,
    text: readFileSync(join(repo, 'packages', d, 'README.md'), 'utf8'),
  }));
  const wanted = new Set();
  for (const { d, text } of readmes) {
    const line = text.match(/^(?:npm install|pnpm add) (.+)$/m)?.[1];
    check(line !== undefined, `packages/${d}/README.md has an install line`);
    for (const n of line.split(/\s+/)) wanted.add(n);
  }
  const typesNode = readJson(join(ROOT, 'package.json')).devDependencies['@types/node'];
  await step(`npm install ${[...wanted].join(' ')}`, () =>
    npm(['install', ...wanted, `@types/node@${typesNode}`]),
  );
  const appJson = readJson(join(app, 'package.json'));
  for (const [name, version] of Object.entries(served))
    if (appJson.dependencies[name] !== undefined)
      check(
        appJson.dependencies[name] === `^${version}`,
        `package.json saved ${name}: ^${version}`,
      );
  const installed = mtrlIn(lock());
  check(
    installed.length === dirs.length,
    `one copy of each package: ${installed.map(([p]) => p).join(', ')}`,
  );
  for (const [path, meta] of installed) {
    const name = path.replace(/^node_modules\//, '');
    check(meta.version === served[name], `${name} installed at ${served[name]} (${meta.version})`);
    check(
      meta.resolved === `${url}${name}/-/${name.split('/')[1]}-${meta.version}.tgz`,
      `${name} resolved from the local registry (${meta.resolved})`,
    );
    check(/^sha512-/.test(meta.integrity ?? ''), `${name} has an integrity hash`);
    const pj = readJson(join(app, path, 'package.json'));
    check(pj.version === served[name], `node_modules/${name} is ${served[name]}`);
    for (const field of DEP_FIELDS)
      for (const [dep, range] of Object.entries(pj[field] ?? {}))
        check(!/^(workspace|file|link):/.test(range), `installed ${name} -> ${dep}: ${range}`);
    const changelog = join(app, path, 'CHANGELOG.md');
    if (bumped.has(name))
      check(
        existsSync(changelog) && readFileSync(changelog, 'utf8').includes(`## ${pj.version}`),
        `${name} ships its CHANGELOG.md with ${pj.version}`,
      );
  }
  await npm(['ls', '--all']);
  checks++;

  // A study, a TypeScript consumer, the README examples (as shipped), examples/*.mjs.
  const fixtures = join(repo, 'tests', 'pack', 'fixtures');
  const lastJson = (out) => JSON.parse(out.trim().split('\n').at(-1) ?? 'null');
  await step('study', async () => {
    cpSync(join(fixtures, 'study.mjs'), join(app, 'study.mjs'));
    const s = lastJson((await run(NODE, ['study.mjs'], { cwd: app, env: npmEnv })).stdout);
    check(s.status === 'completed', `the study completed (${s.status})`);
    check(s.testAccuracy > 0.8, `the study's test accuracy ${s.testAccuracy} > 0.8`);
    const v = served['@mtrl/network'];
    check(
      s.networkPackageVersion === v && s.networkVersion === v && s.savedVersion === v,
      `@mtrl/network says ${v} at run time and in saved networks (${s.networkVersion}, ${s.savedVersion})`,
    );
  });
  const examples = [];
  for (const { d } of readmes) {
    const shipped = readFileSync(join(app, 'node_modules', '@mtrl', d, 'README.md'), 'utf8');
    const code = shipped.match(/```ts\n([\s\S]*?)```/)?.[1];
    check(code !== undefined, `@mtrl/${d}'s shipped README has a ts example`);
    writeFileSync(join(app, `readme-${d}.ts`), code);
    examples.push(`readme-${d}.ts`);
  }
  cpSync(join(fixtures, 'consumer.ts'), join(app, 'consumer.ts'));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'out',
        noEmitOnError: true,
        noUncheckedIndexedAccess: true,
      },
      files: ['consumer.ts', ...examples],
    }),
  );
  await step('tsc: consumer and README examples', () =>
    run(NODE, [TSC, '-p', 'tsconfig.json'], { cwd: app }),
  );
  checks++;
  await step(`run the consumer and ${examples.length} README examples`, async () => {
    for (const f of ['consumer.ts', ...examples]) {
      await run(NODE, [join('out', f.replace(/\.ts$/, '.js'))], { cwd: app, env: npmEnv });
      checks++;
    }
  });
  const mjs = readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.mjs'));
  check(mjs.length > 0, 'examples/ has studies');
  await step(`run examples/ (${mjs.join(', ')})`, async () => {
    for (const f of mjs) {
      cpSync(join(repo, 'examples', f), join(app, f));
      const { stdout } = await run(NODE, [f], { cwd: app, env: npmEnv, timeoutMs: 600_000 });
      check(/^\|.*\|$/m.test(stdout), `examples/${f} printed its table`);
    }
  });

  return { dirs, bumps, examples: examples.length, mjs: mjs.length };
}

let current = 'the setup';
try {
  const r = await main();
  cleanup();
  process.stdout.write(
    `release rehearsal: passed, ${checks} checks in ${secs(Date.now() - started)}: ${r.bumps.length} of ${r.dirs.length} packages versioned, all published to verdaccio ${VERDACCIO_VERSION} and installed by range with npm; a study, ${r.examples} README examples and ${r.mjs} examples/*.mjs ran\n`,
  );
} catch (e) {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  if (registryProcess && tmp && existsSync(join(tmp, 'registry', 'verdaccio.log')))
    process.stderr.write(
      `--- verdaccio log\n${tail(readFileSync(join(tmp, 'registry', 'verdaccio.log'), 'utf8'), 3000)}\n`,
    );
  cleanup();
  process.stdout.write(
    `release rehearsal: FAILED after ${checks} checks in ${secs(Date.now() - started)}, in ${current}\n`,
  );
  process.exitCode = 1;
}
