/**
 * Threaded `pretrainAsync` after a bundler, as users build it: the fixtures import
 * `@mtrl/pretrain`, `@mtrl/tasks` and `@mtrl/tensors` through their default export condition
 * (the built `dist`; turbo builds them first), and are bundled with esbuild's JS API and Vite's
 * build API into temporary folders. Each bundle is served on 127.0.0.1 and opened in headless
 * Chromium, where the page pretrains a small study on one thread and on two worker threads, with
 * each shipped algorithm (fixtures/study.ts); the two results must be the same bits.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get update && apt-get install -y chromium`;
 * MTRL_CHROMIUM overrides the path) and fails without it, unless MTRL_SKIP_BROWSER=1, which skips
 * the browser checks (the bundles are still built and checked).
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyReport } from '../fixtures/study.js';
import { type StaticServer, serveStatic } from './_serve.js';

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(HERE, 'fixtures');
const ROOT = join(HERE, '..', '..');
const chromiumPath = process.env.MTRL_CHROMIUM ?? '/usr/bin/chromium';
const skipBrowser = process.env.MTRL_SKIP_BROWSER === '1';
if (skipBrowser)
  console.warn(
    'tests/bundle: MTRL_SKIP_BROWSER=1: the bundles are built and checked, but not run in Chromium',
  );

// Vite's name for the emitted worker module: hashed, so not an unrewritten `./worker.js`.
const VITE_WORKER = /\/assets\/worker-[\w-]{8}\.js$/;

let tmp = '';
let esbuildOut = '';
let viteOut = '';
let esbuildInputs: string[] = [];
let viteModules: string[] = [];

const posix = (p: string): string => p.split(sep).join('/');
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).map(posix);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'mtrl-bundle-'));
  esbuildOut = join(tmp, 'esbuild');
  viteOut = join(tmp, 'vite');

  const result = await esbuild.build({
    absWorkingDir: HERE,
    entryPoints: {
      main: 'fixtures/esbuild-main.ts',
      // The worker entry as its own bundle: what the pretrain README tells esbuild users to do.
      'pretrain-worker': '@mtrl/pretrain/worker',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outdir: esbuildOut,
    metafile: true,
    logLevel: 'error',
  });
  esbuildInputs = Object.keys(result.metafile.inputs);
  copyFileSync(join(FIXTURES, 'esbuild.html'), join(esbuildOut, 'index.html'));

  const out = await viteBuild({
    root: FIXTURES,
    configFile: false,
    base: './',
    logLevel: 'error',
    cacheDir: join(tmp, 'vite-cache'),
    build: {
      outDir: viteOut,
      emptyOutDir: true,
      rolldownOptions: { input: join(FIXTURES, 'vite.html') },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { moduleIds?: string[] }[] }[];
  viteModules = outputs.flatMap((o) => o.output.flatMap((chunk) => chunk.moduleIds ?? []));
}, 180_000);

afterAll(() => {
  if (tmp && !process.env.MTRL_BUNDLE_KEEP) rmSync(tmp, { recursive: true, force: true });
});

// Paths of the workspace packages a bundle read, relative to the repository root.
const mtrlFiles = (paths: string[]): string[] =>
  paths
    .map((p) => posix(relative(ROOT, isAbsolute(p) ? p : join(HERE, p))))
    .filter((p) => p.startsWith('packages/'));

describe('the bundles', () => {
  it('esbuild bundles the page and the @mtrl/pretrain/worker entry from the built dist', () => {
    expect(files(esbuildOut).sort()).toEqual(['index.html', 'main.js', 'pretrain-worker.js']);
    const used = mtrlFiles(esbuildInputs);
    expect(used).toContain('packages/pretrain/dist/index.js');
    expect(used).toContain('packages/pretrain/dist/worker.js');
    expect(used).toContain('packages/tensors/dist/index.js');
    expect(used.filter((p) => !/^packages\/\w+\/dist\//.test(p))).toEqual([]);
  });

  it('Vite bundles the page and emits the worker module, from the built dist', () => {
    const out = files(viteOut);
    expect(out).toContain('vite.html');
    // The worker module, found both through new URL('./worker.js', import.meta.url) in the pool
    // and through the page's `?worker` import (one file for both).
    expect(out.filter((f) => VITE_WORKER.test(`/${f}`))).toHaveLength(1);
    // Modules of the page's chunks (Vite drops the re-exporting index.js files from the list).
    const used = mtrlFiles(viteModules);
    expect(used).toContain('packages/pretrain/dist/pretrainAsync.js');
    expect(used).toContain('packages/pretrain/dist/_pool.js');
    expect(used).toContain('packages/tensors/dist/backend.js');
    expect(used.filter((p) => !/^packages\/\w+\/dist\//.test(p))).toEqual([]);
  });
});

describe.skipIf(skipBrowser)('in Chromium', () => {
  let browser: Browser;
  let esbuildServer: StaticServer;
  let viteServer: StaticServer;

  beforeAll(async () => {
    if (!existsSync(chromiumPath))
      throw new Error(
        `Chromium not found at ${chromiumPath}: tests/bundle runs the bundles in Debian's Chromium ` +
          '(apt-get update && apt-get install -y chromium). Set MTRL_CHROMIUM to use another ' +
          'Chromium binary, or MTRL_SKIP_BROWSER=1 to skip the browser checks.',
      );
    esbuildServer = await serveStatic(esbuildOut);
    viteServer = await serveStatic(viteOut);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await esbuildServer?.close();
    await viteServer?.close();
  });

  /** Opens a page, waits for its report; page errors and HTTP failures are returned too. */
  async function study(url: string) {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    try {
      await page.goto(url);
      await page.waitForFunction(() => window.__study !== undefined, undefined, {
        timeout: 90_000,
      });
      const report = (await page.evaluate(() => window.__study)) as StudyReport;
      return { report, problems };
    } finally {
      await page.close();
    }
  }

  const reports: StudyReport[] = [];

  it.each([
    ['esbuild', 'url', /\/pretrain-worker\.js$/],
    ['esbuild', 'factory', /\/pretrain-worker\.js$/],
    ['Vite', 'default', VITE_WORKER],
    ['Vite', 'factory', VITE_WORKER],
  ] as const)('%s, worker %s: two threads give the bits of one', async (bundler, mode, worker) => {
    const server = bundler === 'esbuild' ? esbuildServer : viteServer;
    const page = bundler === 'esbuild' ? 'index.html' : 'vite.html';
    const before = server.log.length;
    const { report, problems } = await study(`${server.url}/${page}?mode=${mode}`);
    expect(report.error).toBeUndefined();
    expect(problems).toEqual([]);
    expect(server.log.slice(before).filter((l) => !l.startsWith('200'))).toEqual([]);
    expect(report.backend).toBe('wasm');
    // Every shipped algorithm ran, and each threaded run's two threads ran in workers loaded
    // from the bundle (no fallback to the calling thread).
    expect(report.algorithms).toEqual(['paper', 'joint-sgd', 'fomaml', 'anil']);
    expect(report.workers).toHaveLength(2 * 4);
    for (const url of report.workers) expect(url).toMatch(worker);
    expect(report.one).toMatch(/^[0-9a-f]+\|/);
    expect(report.one?.split(';')).toHaveLength(4);
    expect(report.threaded).toBe(report.one);
    reports.push(report);
  });

  it('every bundle computes the same bits', () => {
    expect(reports).toHaveLength(4);
    for (const r of reports) expect(r.one).toBe(reports[0].one);
  });

  it('esbuild without a worker option: worker.js is a 404, and the error says what to pass', async () => {
    const before = esbuildServer.log.length;
    const { report } = await study(`${esbuildServer.url}/index.html?mode=default`);
    expect(esbuildServer.log.slice(before)).toContain('404 /worker.js');
    expect(report.error).toMatch(
      /worker module worker\.js failed to load.*bundle '@mtrl\/pretrain\/worker' as an entry of its own and pass options\.workerUrl or options\.createWorker/,
    );
  });
});
