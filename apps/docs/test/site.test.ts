/**
 * Browser test of the built site (.vitepress/dist) with playwright-core and Debian's Chromium:
 * every page reachable from the home page loads with no console errors or failed requests, every
 * internal link and anchor resolves, the demo refuses bad values and runs a small configuration
 * to an energy above r/d. A screenshot of the demo is saved to test-results/demo.png. The same
 * site under a strict Content-Security-Policy: csp.test.ts. Shared helpers: browser.ts.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; MTRL_CHROMIUM overrides the path). It
 * fails, rather than skips, without it. When the site is not built, it builds it with the tiny
 * reproduce size first.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { artifacts, demoError, demoField, runSmallDemo, siteUnderTest, watch } from './browser.js';

/** The repository's examples/ folder, whose studies the studies page includes. */
const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

const site = siteUnderTest();

const isPage = (pathname: string) =>
  pathname.endsWith('/') || pathname.endsWith('.html') || !/\.[a-z0-9]+$/i.test(pathname);

describe('the built site', () => {
  it('loads every page without errors, and every internal link and anchor resolves', async () => {
    const origin = site.server.url;
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
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

  it('shows the root examples/ studies, whole, on the studies page', async () => {
    const page = await site.browser.newPage();
    try {
      await page.goto(`${site.server.url}/studies.html`, { waitUntil: 'load' });
      const blocks = await page.evaluate(() =>
        Array.from(document.querySelectorAll('div[class*="language-"] pre'), (e) => e.textContent),
      );
      for (const name of ['custom-family', 'algorithms', 'probe']) {
        const source = readFileSync(join(examplesDir, `${name}.mjs`), 'utf8');
        expect(
          blocks.map((b) => b?.trimEnd()),
          `examples/${name}.mjs`,
        ).toContain(source.trimEnd());
      }
    } finally {
      await page.close();
    }
  }, 60_000);

  it('shows the reproduced figures and the verdict table', async () => {
    const page = await site.browser.newPage();
    const problems = watch(page);
    await page.goto(`${site.server.url}/reproduced.html`, { waitUntil: 'networkidle' });
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
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')),
    );
    const results = (await (await fetch(`${site.server.url}/figures/results.json`)).json()) as {
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
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${site.server.url}/demo.html`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.mtrl-demo input[name="d"]');
    const field = (name: string) => demoField(page, name);
    const error = (name: string) => demoError(page, name);

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

    // A small configuration runs to completion, on the WebAssembly SIMD backend that Chromium
    // has; without a Content-Security-Policy, strided elementwise operations may use
    // ndarray-ops' compiled loops.
    const run = await runSmallDemo(page);
    expect(run.backend).toBe('wasm');
    expect(run.elementwisePath).toBe('ndarray-ops');
    mkdirSync(artifacts, { recursive: true });
    // Without the fixed navigation bar, which would cover the top of the form in the shot.
    await page.addStyleTag({ content: '.VPNav, .VPLocalNav { display: none !important; }' });
    await page.locator('.mtrl-demo').screenshot({ path: join(artifacts, 'demo.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
