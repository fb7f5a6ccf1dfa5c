/**
 * Browser test of the built site (.vitepress/dist) with playwright-core and Debian's Chromium:
 * every page reachable from the home page loads with no console errors or failed requests, every
 * internal link and anchor resolves, the demo refuses bad values and runs a small configuration
 * to an energy above r/d. A screenshot of the demo is saved to test-results/demo.png.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; MTRL_CHROMIUM overrides the path). It
 * fails, rather than skips, without it. When the site is not built, it builds it with the tiny
 * reproduce size first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from './serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, '.vitepress/dist');
const artifacts = join(root, 'test-results');
const chromiumPath = process.env.MTRL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: StaticServer;
let browser: Browser;

/** Collects console errors, uncaught exceptions and failed or 4xx/5xx requests of a page. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? '';
    // Prefetches of linked pages are cancelled when the test navigates on: not a failure.
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${reason})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

const isPage = (pathname: string) =>
  pathname.endsWith('/') || pathname.endsWith('.html') || !/\.[a-z0-9]+$/i.test(pathname);

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the docs browser test needs Debian's Chromium ` +
        '(apt-get update && apt-get install -y chromium; CI installs it in .ci/run). ' +
        'Set MTRL_CHROMIUM to use another Chromium binary.',
    );
  }
  if (!existsSync(join(dist, 'index.html'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MTRL_DOCS_REPRO_SIZE: process.env.MTRL_DOCS_REPRO_SIZE ?? 'tiny' },
    });
  }
  server = await serveStatic(dist);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the built site', () => {
  it('loads every page without errors, and every internal link and anchor resolves', async () => {
    const origin = server.url;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    const queue = ['/'];
    const visited = new Map<string, Set<string>>(); // page path -> element ids
    const anchors: { from: string; path: string; id: string }[] = [];
    const assets = new Map<string, string>(); // asset path -> a page linking it
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (visited.has(path)) continue;
      const before = problems.length;
      const res = await page.goto(origin + path, { waitUntil: 'load' });
      expect(res?.status(), `status of ${path}`).toBe(200);
      await page.waitForSelector('#app .VPContent', { timeout: 15_000 });
      // Let the client hydrate and run before judging the console.
      await page.waitForLoadState('networkidle');
      const { hrefs, ids } = await page.evaluate(() => ({
        hrefs: Array.from(
          document.querySelectorAll('a[href]'),
          (a) => (a as HTMLAnchorElement).href,
        ),
        ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
      }));
      visited.set(path, new Set(ids));
      const pageProblems = problems.splice(before);
      expect(pageProblems, `problems on ${path}`).toEqual([]);
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.origin !== origin) continue;
        if (isPage(url.pathname)) {
          if (!visited.has(url.pathname)) queue.push(url.pathname);
          if (url.hash.length > 1)
            anchors.push({
              from: path,
              path: url.pathname,
              id: decodeURIComponent(url.hash.slice(1)),
            });
        } else if (!assets.has(url.pathname)) assets.set(url.pathname, path);
      }
    }
    await context.close();

    const pages = [...visited.keys()];
    for (const expected of [
      '/getting-started.html',
      '/concepts.html',
      '/demo.html',
      '/reproduced.html',
      '/api/',
    ]) {
      expect(pages, `the crawl reached ${expected}`).toContain(expected);
    }
    for (const pkg of ['tensors', 'tasks', 'network', 'optim', 'pretrain', 'probes', 'baselines']) {
      expect(pages, `guide of ${pkg}`).toContain(`/packages/${pkg}.html`);
      expect(pages, `API of ${pkg}`).toContain(`/api/@mtrl/${pkg}.html`);
    }
    const brokenAnchors = anchors
      .filter((a) => !visited.get(a.path)?.has(a.id))
      .map((a) => `${a.from} -> ${a.path}#${a.id}`);
    expect([...new Set(brokenAnchors)], 'broken anchors').toEqual([]);
    const brokenAssets: string[] = [];
    for (const [asset, from] of assets) {
      const res = await fetch(origin + asset);
      if (res.status !== 200) brokenAssets.push(`${from} -> ${asset} (HTTP ${res.status})`);
    }
    expect(brokenAssets, 'broken links to files').toEqual([]);
  }, 300_000);

  it('shows the reproduced figures and the verdict table', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/reproduced.html`, { waitUntil: 'networkidle' });
    const figures = await page.$$eval('img[src^="/figures/"]', (imgs) =>
      imgs.map((i) => ({
        src: i.getAttribute('src'),
        loaded: (i as HTMLImageElement).naturalWidth > 0,
      })),
    );
    const names = figures.map((f) => f.src);
    for (const svg of [
      'energy-vs-tasks',
      'coverage-vs-tasks',
      'accuracy-vs-d-halfspace',
      'accuracy-vs-d-xor',
      'accuracy-vs-samples',
      'accuracy-vs-width',
      'collapse',
      'angles-vs-tasks',
      'phase-energy',
      'phase-angles',
      'phase-vs-snr',
    ]) {
      expect(names).toContain(`/figures/${svg}.svg`);
    }
    expect(figures.filter((f) => !f.loaded)).toEqual([]);
    // One row per claim (its id in bold) and one per check, each with its verdict.
    const rows = await page.$$eval('tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
    const results = (await (await fetch(`${server.url}/figures/results.json`)).json()) as {
      claims: { id: string; held: boolean | null; checks: { held: boolean | null }[] }[];
    };
    const say = (held: boolean | null) =>
      held === null ? 'not measured' : held ? '✓ held' : '✗ not held';
    expect(results.claims.length).toBeGreaterThanOrEqual(5);
    const claimRows = rows.filter((r) => results.claims.some((c) => r[0]?.startsWith(`${c.id}:`)));
    expect(claimRows.map((r) => r[1])).toEqual(results.claims.map((c) => say(c.held)));
    const checks = results.claims.flatMap((c) => c.checks);
    expect(checks.length).toBeGreaterThan(results.claims.length);
    expect(rows.filter((r) => /^(✓ held|✗ not held|not measured)$/.test(r[1] ?? '')).length).toBe(
      results.claims.length + checks.length,
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('runs the live demo in a Web Worker (pretraining on nested workers): refuses bad values, then beats r/d', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${server.url}/demo.html`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.mtrl-demo input[name="d"]');
    const field = (name: string) => page.locator(`.mtrl-demo input[name="${name}"]`);
    const error = (name: string) => page.locator(`.mtrl-demo-error[data-field="${name}"]`);

    // Bad values are refused with a message next to the field, and nothing runs.
    await field('d').fill('8');
    await field('r').fill('9');
    await field('T').fill('abc');
    await field('m').fill('0');
    await field('n1').fill('2.5');
    await page.locator('.mtrl-demo-run').click();
    await expect.poll(() => error('r').textContent()).toContain('at most d = 8');
    expect(await error('T').textContent()).toContain('must be a number');
    expect(await error('m').textContent()).toContain('between 1 and');
    expect(await error('n1').textContent()).toContain('whole number');
    expect(await page.locator('.mtrl-demo-output').count()).toBe(0);
    // Work above the cap is refused for the form as a whole.
    for (const [name, value] of Object.entries({
      d: '1024',
      r: '4',
      T: '512',
      m: '1024',
      n1: '8192',
      n2: '8192',
    })) {
      await field(name).fill(value);
    }
    await expect.poll(() => error('form').textContent()).toContain('above the demo');
    expect(await page.locator('.mtrl-demo-output').count()).toBe(0);

    // A small configuration runs to completion.
    const tiny = {
      d: '16',
      r: '2',
      T: '8',
      m: '16',
      n1: '128',
      n2: '128',
      eta: '1000',
      rounds: '3',
      nTrain: '100',
      seed: '0',
    };
    for (const [name, value] of Object.entries(tiny)) await field(name).fill(value);
    await expect.poll(() => error('form').textContent()).toBe('');
    await page.locator('.mtrl-demo-run').click();
    await page.waitForSelector('[data-testid="demo-result"]', { timeout: 120_000 });
    const energy = Number(await page.getAttribute('[data-testid="final-energy"]', 'data-value'));
    const randomEnergy = Number(
      await page.getAttribute('[data-testid="random-energy"]', 'data-value'),
    );
    expect(randomEnergy).toBeCloseTo(2 / 16, 10);
    expect(energy).toBeGreaterThan(randomEnergy);
    expect(energy).toBeGreaterThan(3 * randomEnergy);
    // Pretraining ran on nested module workers, one per core the browser reports (T = 8 caps
    // it), on the WebAssembly SIMD backend that Chromium has.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Number(await page.getAttribute('[data-testid="demo-threads"]', 'data-value'));
    expect(threads).toBe(Math.min(cores, 8));
    expect(await page.locator('[data-testid="demo-backend"]').textContent()).toBe('wasm');
    // The live plot got round 0 and one point per round, for energy and coverage.
    expect(await page.locator('.mtrl-demo-plot circle.energy').count()).toBe(4);
    expect(await page.locator('.mtrl-demo-plot circle.coverage').count()).toBe(4);
    expect(await page.locator('.mtrl-demo-progress progress').getAttribute('value')).toBe('1');
    const accuracies = await page.$$eval('[data-testid="demo-result"] tbody td', (tds) =>
      tds.map((td) => td.textContent ?? '').filter((t) => t.endsWith('%')),
    );
    expect(accuracies).toHaveLength(4);
    mkdirSync(artifacts, { recursive: true });
    // Without the fixed navigation bar, which would cover the top of the form in the shot.
    await page.addStyleTag({ content: '.VPNav, .VPLocalNav { display: none !important; }' });
    await page.locator('.mtrl-demo').screenshot({ path: join(artifacts, 'demo.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
