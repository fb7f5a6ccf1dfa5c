import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  binOf,
  eachLimited,
  HERE,
  pnpmCommand,
  publishedPackages,
  ROOT,
  type RunResult,
  run,
  type WorkspacePackage,
} from './_run.js';

/*
 * The packages as a user gets them from npm: `pnpm pack` every package under packages/, then
 * check the tarballs (contents, metadata, publint, attw), install them with plain npm into
 * fresh projects under os.tmpdir() (outside the workspace, so nothing resolves to workspace
 * sources), and run a study, a TypeScript consumer and every README example there. Finally a
 * `pnpm publish -r --dry-run` shows that the release step publishes exactly these packages.
 * Set MTRL_PACK_KEEP=1 to keep the temporary folder for a look after a failure.
 */

const PACKAGES = publishedPackages();
const NODE = process.execPath;
const TSC = join(HERE, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_NODE: string = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8'))
  .devDependencies['@types/node'];

/** The package.json fields checked here. */
interface PackageJson {
  private?: boolean;
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  author?: string;
  keywords?: string[];
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  type?: string;
  sideEffects?: boolean;
  engines?: { node?: string };
  publishConfig?: { access?: string };
  files?: string[];
  exports?: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
}

interface Packed {
  readonly pkg: WorkspacePackage;
  readonly tarball: string;
  readonly files: readonly string[];
}

let tmp = '';
let packed: Packed[] = [];
// The publish dry run waits mostly on the registry, so it starts right after packing and
// overlaps the other checks; its test awaits it.
let dryRun: Promise<RunResult | Error> = Promise.resolve(new Error('the dry run did not start'));

const npm = (cwd: string, args: readonly string[]) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    timeoutMs: 180_000,
  });

/** A fresh npm project depending on the given tarballs (and more registry packages). */
async function consumer(
  name: string,
  tarballs: readonly Packed[],
  extra: Record<string, string> = {},
): Promise<string> {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const dependencies: Record<string, string> = { ...extra };
  for (const p of tarballs) dependencies[p.pkg.json.name] = `file:${p.tarball}`;
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  await npm(dir, ['install']);
  return dir;
}

/** The @mtrl packages anywhere in a project's package-lock.json, as `path version resolved`. */
function installedMtrl(dir: string): string[] {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; resolved?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => /(^|\/)node_modules\/@mtrl\//.test(path))
    .map(([path, meta]) => `${path} ${meta.version} ${meta.resolved ?? ''}`);
}

/** The last line of stdout as JSON. */
const lastJson = (stdout: string): Record<string, unknown> =>
  JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

beforeAll(async () => {
  expect(PACKAGES.map((p) => p.json.name)).toContain('@mtrl/tensors');
  tmp = mkdtempSync(join(tmpdir(), 'mtrl-pack-'));
  expect(relative(ROOT, tmp).startsWith('..'), `${tmp} must be outside ${ROOT}`).toBe(true);
  const out = join(tmp, 'tarballs');
  const [pnpm, pre] = pnpmCommand();
  const { stdout } = await run(
    pnpm,
    [...pre, '--recursive', '--filter=./packages/*', 'pack', '--pack-destination', out, '--json'],
    { cwd: ROOT },
  );
  const results = JSON.parse(stdout) as {
    name: string;
    filename: string;
    files: { path: string }[];
  }[];
  packed = PACKAGES.map((pkg) => {
    const r = results.find((x) => x.name === pkg.json.name);
    if (!r) throw new Error(`pnpm pack made no tarball for ${pkg.json.name}`);
    return { pkg, tarball: r.filename, files: r.files.map((f) => f.path) };
  });
  dryRun = run(pnpm, [...pre, 'publish', '--recursive', '--dry-run', '--no-git-checks'], {
    cwd: ROOT,
    timeoutMs: 600_000,
  }).catch((e: Error) => e);
}, 360_000);

afterAll(() => {
  if (tmp && !process.env.MTRL_PACK_KEEP) rmSync(tmp, { recursive: true, force: true });
});

describe('the workspace packages', () => {
  test.each(PACKAGES.map((p) => [p.json.name, p] as const))('%s has complete metadata', (_, p) => {
    const j = p.json as PackageJson;
    expect(j.private, 'packages/ holds published packages only').toBeUndefined();
    expect(j.name).toBe(`@mtrl/${p.dir}`);
    expect(j.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(j.description?.length).toBeGreaterThan(20);
    expect(j.license).toBe('MIT');
    expect(j.author).toBeTruthy();
    expect(j.keywords?.length).toBeGreaterThan(0);
    expect(j.repository).toMatchObject({ type: 'git', directory: `packages/${p.dir}` });
    expect(j.homepage).toMatch(/^https:\/\//);
    expect(j.bugs?.url).toMatch(/^https:\/\//);
    expect(j.type).toBe('module');
    expect(j.sideEffects).toBe(false);
    expect(j.engines?.node).toBe('>=20');
    expect(j.publishConfig?.access).toBe('public');
    expect(j.files).toContain('dist');
    const root = j.exports?.['.'] ?? {};
    expect(Object.keys(root)).toEqual(['@mtrl/source', 'types', 'default']);
    expect(root.types).toBe('./dist/index.d.ts');
    expect(root.default).toBe('./dist/index.js');
    for (const [dep, range] of Object.entries(j.dependencies ?? {})) {
      if (dep.startsWith('@mtrl/')) expect(range, `${dep} range`).toBe('workspace:^');
    }
    const readme = readFileSync(join(ROOT, 'packages', p.dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^## Install$/m);
    expect(readme).toMatch(/```ts\n/);
  });
});

describe('the tarballs', () => {
  test('ship compiled JS, .d.ts, sources and no tests; every export target is inside', () => {
    for (const { pkg, files } of packed) {
      const name = pkg.json.name;
      for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
        expect(files, `${name} ships ${f}`).toContain(f);
      expect(
        files.filter((f) => /\.test(-d)?\./.test(f)),
        `${name} ships tests`,
      ).toEqual([]);
      const stray = files.filter(
        (f) =>
          !/^(dist|src)\//.test(f) && !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f),
      );
      expect(stray, `${name} ships unexpected files`).toEqual([]);
      for (const js of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')))
        expect(files, `${name}: ${js} has types`).toContain(js.replace(/\.js$/, '.d.ts'));
      // The targets are the string values of the exports map (its keys, such as "./worker",
      // are subpaths, not files).
      const targets: string[] = [];
      const collect = (v: unknown): void => {
        if (typeof v === 'string') targets.push(v);
        else if (v !== null && typeof v === 'object') Object.values(v).forEach(collect);
      };
      collect(pkg.json.exports);
      expect(targets.length, `${name}: export targets`).toBeGreaterThan(0);
      for (const t of targets.filter((s) => s.startsWith('./')).map((s) => s.slice(2)))
        expect(files, `${name}: export target ${t}`).toContain(t);
    }
  });

  test('pass publint --strict', async () => {
    const publint = binOf('publint', 'publint');
    const failures = await eachLimited(packed, 2, async (p) => {
      const { stdout } = await run(NODE, [publint, 'run', p.tarball, '--strict'], { cwd: tmp });
      if (!/All good!/.test(stdout)) throw new Error(`${p.pkg.json.name}: publint\n${stdout}`);
    });
    expect(failures).toEqual([]);
  }, 360_000);

  test('pass attw (are the types wrong) with the esm-only profile', async () => {
    // See scripts/attw.mjs: `attw --profile esm-only` for all tarballs in one process.
    const { stdout } = await run(
      NODE,
      [join(HERE, 'scripts', 'attw.mjs'), ...packed.map((p) => p.tarball)],
      { cwd: HERE },
    );
    expect(stdout.trim().split('\n')).toHaveLength(packed.length);
  }, 360_000);
});

describe('a fresh npm project with every package', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await consumer('full', packed, { '@types/node': TYPES_NODE });
  }, 600_000);

  test('installs one copy of each package, from the tarballs, with real version ranges', () => {
    const installed = installedMtrl(dir);
    expect(installed).toHaveLength(packed.length);
    for (const { pkg, tarball } of packed) {
      const { name, version } = pkg.json;
      expect(installed).toContain(`node_modules/${name} ${version} file:${relative(dir, tarball)}`);
      const j = JSON.parse(
        readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'),
      ) as PackageJson;
      expect(j.version).toBe(version);
      for (const [dep, range] of Object.entries(j.dependencies ?? {})) {
        expect(range, `${name} -> ${dep}`).not.toMatch(/^(workspace|link|file):/);
        const target = PACKAGES.find((q) => q.json.name === dep);
        if (target) expect(range, `${name} -> ${dep}`).toBe(`^${target.json.version}`);
      }
    }
  });

  test('runs an ESM study of tasks + network + pretrain + probes', async () => {
    cpSync(join(HERE, 'fixtures', 'study.mjs'), join(dir, 'study.mjs'));
    const { stdout } = await run(NODE, ['study.mjs'], { cwd: dir });
    const s = lastJson(stdout) as Record<string, number | string>;
    const chance = Number(s.r) / Number(s.d);
    expect(s.status).toBe('completed');
    // A random layer puts about r/d of its energy in the subspace; one big step (eta = 1000,
    // 32 halfspace tasks) moves most of it there (about 0.8 at this size).
    expect(s.energyBefore).toBeLessThan(3 * chance);
    expect(s.energyAfter).toBeGreaterThan(Math.max(0.5, 10 * chance));
    expect(s.energyLoaded).toBeCloseTo(Number(s.energyAfter), 12);
    expect(s.networkVersion).toBe(s.networkPackageVersion);
    expect(s.savedVersion).toBe(s.networkPackageVersion);
    expect(s.testAccuracy).toBeGreaterThan(0.8);
  }, 360_000);

  test('type-checks and runs a TypeScript consumer and every README example', async () => {
    cpSync(join(HERE, 'fixtures', 'consumer.ts'), join(dir, 'consumer.ts'));
    const examples: string[] = [];
    for (const { pkg } of packed) {
      const readme = readFileSync(join(ROOT, 'packages', pkg.dir, 'README.md'), 'utf8');
      const code = readme.match(/```ts\n([\s\S]*?)```/)?.[1];
      if (code === undefined) throw new Error(`${pkg.json.name}: README has no ts example`);
      // The install line names every package the example imports.
      const install = readme.match(/^(?:npm install|pnpm add) (.+)$/m)?.[1]?.split(/\s+/) ?? [];
      const imported = [...code.matchAll(/from '(@mtrl\/[\w-]+)'/g)].map((m) => m[1]);
      for (const name of imported)
        expect(install, `${pkg.json.name} README install line lacks ${name}`).toContain(name);
      const file = `readme-${pkg.dir}.ts`;
      writeFileSync(join(dir, file), code);
      examples.push(file);
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
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
          // Users' strictest common setting: tuples from split() must index without `!`.
          noUncheckedIndexedAccess: true,
        },
        files: ['consumer.ts', ...examples],
      }),
    );
    await run(NODE, [TSC, '-p', 'tsconfig.json'], { cwd: dir });

    const c = lastJson((await run(NODE, ['out/consumer.js'], { cwd: dir })).stdout);
    expect(c.rows).toBe(64);
    expect(c.methods).toEqual(['multiTask', 'oracle']);
    expect(c.shape).toEqual([2, 3]);
    expect(c.anil).toBe('completed');
    expect(c.distinctTasks).toBe(true);
    // The 'always +1' probe scores the majority rate of a custom task: a number in (0, 1).
    expect(c.constantAccuracy).toBeGreaterThan(0);
    expect(c.constantAccuracy).toBeLessThan(1);
    const failures = await eachLimited(examples, 2, async (file) => {
      await run(NODE, [join('out', file.replace(/\.ts$/, '.js'))], { cwd: dir });
    });
    expect(failures).toEqual([]);
  }, 600_000);

  const EXAMPLES = join(ROOT, 'examples');
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.mjs'));

  test('examples/: at least three studies, each at most 80 lines, importing only public @mtrl exports', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      expect(text.trimEnd().split('\n').length, f).toBeLessThanOrEqual(80);
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] ?? '';
        expect(spec.startsWith('@mtrl/') || spec.startsWith('node:'), `${f} imports ${spec}`).toBe(
          true,
        );
        // A package's root or one of its exports-map subpaths, never a file inside it.
        expect(spec, `${f} reaches into ${spec}`).not.toMatch(/^@mtrl\/[\w-]+\/(src|dist)\//);
      }
    }
  });

  test('examples/: each study runs from the installed tarballs and prints its comparison table', async () => {
    for (const f of files) cpSync(join(EXAMPLES, f), join(dir, f));
    const failures = await eachLimited(files, 2, async (file) => {
      const { stdout } = await run(NODE, [file], { cwd: dir });
      // Every example ends with a table whose header row starts with '|'.
      if (!/^\|.*\|$/m.test(stdout)) throw new Error(`${file} printed no table:\n${stdout}`);
    });
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('a fresh npm project with @mtrl/tensors and @mtrl/tasks only', () => {
  test('installs nothing else from @mtrl and runs', async () => {
    const two = packed.filter((p) => ['@mtrl/tensors', '@mtrl/tasks'].includes(p.pkg.json.name));
    expect(two).toHaveLength(2);
    const dir = await consumer('tensors-tasks', two);
    expect(readdirSync(join(dir, 'node_modules', '@mtrl')).sort()).toEqual(['tasks', 'tensors']);
    expect(installedMtrl(dir).map((l) => l.split(' ')[0])).toEqual([
      'node_modules/@mtrl/tasks',
      'node_modules/@mtrl/tensors',
    ]);
    cpSync(join(HERE, 'fixtures', 'tensorsTasks.mjs'), join(dir, 'tensorsTasks.mjs'));
    const s = lastJson((await run(NODE, ['tensorsTasks.mjs'], { cwd: dir })).stdout);
    expect(s).toMatchObject({ x: [128, 32], y: [128], z: [128, 3], labels: [-1, 1] });
    expect(s.zErr).toBeLessThan(1e-9);
  }, 600_000);
});

describe('the release step', () => {
  test('pnpm publish -r --dry-run publishes exactly the packages under packages/', async () => {
    const result = await dryRun;
    if (result instanceof Error) throw result;
    const { stdout, stderr } = result;
    const published = [...`${stdout}\n${stderr}`.matchAll(/^\+ (@?[^@\s]+)@(\S+)$/gm)].map(
      (m) => `${m[1]}@${m[2]}`,
    );
    const expected = PACKAGES.map((p) => `${p.json.name}@${p.json.version}`);
    for (const name of published) expect(expected, `dry run would publish ${name}`).toContain(name);
    // A package missing from the dry run must be one whose version is already on the registry
    // (pnpm skips those), never one the publish step lost.
    for (const name of expected.filter((n) => !published.includes(n))) {
      const { stdout: v } = await npm(tmp, ['view', name, 'version']).catch(() => ({
        stdout: '',
      }));
      expect(v.trim(), `${name} is neither in the dry run nor on the registry`).not.toBe('');
    }
  }, 600_000);
});
