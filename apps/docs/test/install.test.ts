/**
 * The Getting started page's install instructions against the code: its dependency table is
 * packages/*\/package.json, its `npm install` line names the packages the study imports, the
 * packages it says npm installs are the transitive @mtrl closure, and its `pack` line (run here
 * for real) writes exactly the tarballs the study needs, which its `npm install` line installs
 * in one command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(docs, '../..');
const page = readFileSync(join(docs, 'src/getting-started.md'), 'utf8');
const study = readFileSync(join(docs, 'examples/getting-started.ts'), 'utf8');
/** The page with every run of white space as one space, for checks of its sentences. */
const prose = page.replace(/\s+/g, ' ');

/** Every package under packages/: its name and the names of its runtime dependencies. */
const DEPS = new Map<string, string[]>(
  readdirSync(join(ROOT, 'packages'))
    .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
    .map((d) => {
      const json = JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      return [json.name, Object.keys({ ...json.dependencies, ...json.peerDependencies })];
    }),
);

/** The @mtrl packages `names` bring: themselves and their @mtrl dependencies, transitively. */
function closure(names: Iterable<string>): string[] {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name)) return;
    const deps = DEPS.get(name);
    if (deps === undefined) throw new Error(`${name} is not a package under packages/`);
    out.add(name);
    for (const d of deps) if (d.startsWith('@mtrl/')) visit(d);
  };
  for (const n of names) visit(n);
  return [...out].sort();
}

/** A count as the page writes it. */
const inWords = (n: number) =>
  ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][n] ?? String(n);
const sorted = (xs: Iterable<string>) => [...xs].sort();
/** The @mtrl package names in a piece of text, sorted, each once. */
const mtrlIn = (text: string) => sorted(new Set(text.match(/@mtrl\/[a-z-]+/g) ?? []));

/** The text of the page's "Before the first release" box. */
const tip = (() => {
  const start = page.indexOf('::: tip Before the first release');
  expect(start, 'the page has the "Before the first release" box').toBeGreaterThan(0);
  return page.slice(start, page.indexOf('\n:::\n', start));
})();
/** The lines of the first ```sh block of `text`. */
const shLines = (text: string) =>
  (text.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '').split('\n').filter(Boolean);

describe('Getting started: what to install', () => {
  it('has a dependency table that is packages/*/package.json', () => {
    const table = page.slice(page.indexOf('| package | depends on |'));
    const rows = new Map(
      [...table.matchAll(/^\| `(@mtrl\/[a-z-]+)` \| (.+) \|$/gm)].map((m) => [
        m[1] as string,
        sorted((m[2] as string).split(',').map((x) => x.trim().replace(/^`|`$/g, ''))),
      ]),
    );
    expect(sorted(rows.keys()), 'one row per package under packages/').toEqual(sorted(DEPS.keys()));
    for (const [name, deps] of DEPS)
      expect(rows.get(name), `${name} depends on`).toEqual(sorted(deps));
  });

  it('installs by name exactly the @mtrl packages the study imports', () => {
    expect(page).toContain('<<< @/../examples/getting-started.ts');
    const imported = sorted(
      new Set(
        [...study.matchAll(/from '(@mtrl\/[a-z-]+)(?:\/[\w-]+)?'/g)].map((m) => m[1] as string),
      ),
    );
    expect(imported.length).toBeGreaterThan(0);
    const line = shLines(page).find((l) => l.startsWith('npm install '));
    expect(line, 'the first ```sh block has an npm install line').toBeDefined();
    expect(sorted((line as string).slice('npm install '.length).trim().split(/\s+/))).toEqual(
      imported,
    );
  });

  it('names the whole transitive @mtrl closure where it says what npm installs', () => {
    const m = prose.match(
      /`npm install ([^`]+)` alone installs the same (\w+) @mtrl packages:([^.]+)\./,
    );
    expect(m, 'the page says what `npm install ...` alone installs').not.toBeNull();
    const [, command, count, listed] = m as RegExpMatchArray;
    const named = (command as string).trim().split(/\s+/);
    const brought = closure(named);
    expect(mtrlIn(listed as string)).toEqual(brought);
    // "the same": as many as the study's own install line brings.
    const imported = mtrlIn(study.match(/^import .*$/gm)?.join('\n') ?? '');
    expect(closure(imported)).toEqual(brought);
    expect(count, 'the count in words').toBe(inWords(brought.length));
    expect(prose).toContain(`the install line above brings ${count} @mtrl packages`);
  });
});

describe('Getting started: trying the packages from a clone', () => {
  const lines = shLines(tip);
  const packLine = lines.find((l) => / pack --pack-destination /.test(l)) ?? '';
  const filters = [...packLine.matchAll(/--filter "(@mtrl\/[a-z-]+)\.\.\."/g)].map(
    (m) => m[1] as string,
  );
  const destination = packLine.match(/--pack-destination (\S+)/)?.[1] ?? '';

  it('packs every package the study needs, dependencies included, and names each', () => {
    expect(packLine, 'the box has a pack line').not.toBe('');
    expect(filters.length).toBeGreaterThan(0);
    const imported = mtrlIn(study.match(/^import .*$/gm)?.join('\n') ?? '');
    const packed = closure(filters);
    expect(packed, 'the pack line selects the closure of what the study imports').toEqual(
      closure(imported),
    );
    const says = tip.replace(/\s+/g, ' ').match(/so `pack` writes (\w+) tarballs:([^.]+)\./);
    expect(says, 'the box says which tarballs pack writes').not.toBeNull();
    const [, count, listed] = says as RegExpMatchArray;
    expect(mtrlIn(listed as string)).toEqual(packed);
    expect(count, 'the count in words').toBe(inWords(packed.length));
  });

  it('builds the packages first and installs every tarball in one npm install', () => {
    const build = lines.findIndex((l) => /turbo run build --filter="\.\/packages\/\*"/.test(l));
    const pack = lines.indexOf(packLine);
    expect(build, 'a build line before the pack line').toBeGreaterThanOrEqual(0);
    expect(build).toBeLessThan(pack);
    const installs = lines.filter((l) => l.startsWith('npm install ') && l.includes('.tgz'));
    expect(installs).toEqual([`npm install ${destination}/*.tgz`]);
  });

  it("writes exactly those tarballs when the box's pnpm filters run", async () => {
    const out = mkdtempSync(join(tmpdir(), 'mtrl-docs-pack-'));
    try {
      const pnpmDir = realpathSync(join(ROOT, 'node_modules/pnpm'));
      const bin = JSON.parse(readFileSync(join(pnpmDir, 'package.json'), 'utf8')).bin.pnpm;
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env))
        if (!/^(npm|pnpm)_/i.test(k) && k !== 'NODE_OPTIONS' && !k.startsWith('VITEST')) env[k] = v;
      const args = filters.flatMap((f) => ['--filter', `${f}...`]);
      await promisify(execFile)(
        process.execPath,
        [join(pnpmDir, bin), ...args, 'pack', '--pack-destination', out],
        { cwd: ROOT, env, timeout: 120_000 },
      );
      const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz'));
      const names = sorted(
        tarballs.map((f) => `@mtrl/${f.replace(/^mtrl-(.+)-\d+\.\d+\.\d+.*\.tgz$/, '$1')}`),
      );
      expect(names).toEqual(closure(filters));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('points to the pack test and the release rehearsal, which exist', () => {
    expect(tip).toContain('`tests/pack`');
    expect(existsSync(join(ROOT, 'tests/pack/src/pack.test.ts'))).toBe(true);
    expect(tip).toContain('`npm run release:rehearse`');
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts['release:rehearse']).toBe('node tests/release/rehearse.mjs');
    const rehearse = readFileSync(join(ROOT, 'tests/release/rehearse.mjs'), 'utf8');
    expect(rehearse).toContain('verdaccio');
    // It installs @mtrl/pretrain by name and range from the local registry, as the box says.
    expect(rehearse).toMatch(/npm\(\['install', `@mtrl\/pretrain@\^\$\{\w+\}`\]\)/);
  });
});
