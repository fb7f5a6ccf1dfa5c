/**
 * What the browser tests share: the built site (built with the tiny reproduce size when missing),
 * Debian's Chromium through playwright-core, a page watcher for errors, and the demo's small run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type StaticServer, serveStatic } from './serve.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = join(root, '.vitepress/dist');
export const artifacts = join(root, 'test-results');
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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Builds the site with the tiny reproduce size unless `.vitepress/dist` holds one. A lock file
 * (holding the builder's pid) keeps two test files from building at once; a waiter takes over
 * a lock whose process is gone.
 */
export async function ensureSite(): Promise<void> {
  const index = join(dist, 'index.html');
  const lock = join(root, 'test-results/.site-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  while (!existsSync(index)) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (owner > 0 && !alive(owner)) rmSync(lock, { force: true });
      else await new Promise((ok) => setTimeout(ok, 1000));
      continue;
    }
    try {
      if (!existsSync(index)) {
        execFileSync(process.execPath, ['scripts/build.mjs'], {
          cwd: root,
          stdio: 'inherit',
          env: { ...process.env, MTRL_DOCS_REPRO_SIZE: process.env.MTRL_DOCS_REPRO_SIZE ?? 'tiny' },
        });
      }
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

/** Starts Debian's Chromium (MTRL_CHROMIUM overrides the path); throws, not skips, without it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the docs browser test needs Debian's Chromium ` +
        '(apt-get update && apt-get install -y chromium; CI installs it in .ci/run). ' +
        'Set MTRL_CHROMIUM to use another Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

/** Collects console errors, uncaught exceptions and failed or 4xx/5xx requests of a page. */
export function watch(page: Page): string[] {
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

/** A field of the demo's form. */
export const demoField = (page: Page, name: string) =>
  page.locator(`.mtrl-demo input[name="${name}"]`);

/** The error message next to a field of the demo's form (`form` for the form as a whole). */
export const demoError = (page: Page, name: string) =>
  page.locator(`.mtrl-demo-error[data-field="${name}"]`);

/** What the result line of a finished demo run names. */
export interface DemoRunInfo {
  readonly threads: number;
  readonly backend: string | null;
  readonly elementwisePath: string | null;
}

/**
 * Runs a small configuration (d = 16, r = 2, T = 8, m = 16, 3 rounds) on the open demo page to
 * its result and checks it: energy above 3 r/d, one nested worker per core the browser reports
 * (at most T), round 0 and one plot point per round, a full progress bar, four accuracies.
 */
export async function runSmallDemo(page: Page): Promise<DemoRunInfo> {
  const small = {
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
  for (const [name, value] of Object.entries(small)) await demoField(page, name).fill(value);
  await expect.poll(() => demoError(page, 'form').textContent()).toBe('');
  await page.locator('.mtrl-demo-run').click();
  await page.waitForSelector('[data-testid="demo-result"]', { timeout: 120_000 });
  const energy = Number(await page.getAttribute('[data-testid="final-energy"]', 'data-value'));
  const randomEnergy = Number(
    await page.getAttribute('[data-testid="random-energy"]', 'data-value'),
  );
  expect(randomEnergy).toBeCloseTo(2 / 16, 10);
  expect(energy).toBeGreaterThan(randomEnergy);
  expect(energy).toBeGreaterThan(3 * randomEnergy);
  // Pretraining ran on nested module workers, one per core the browser reports (T = 8 caps it).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Number(await page.getAttribute('[data-testid="demo-threads"]', 'data-value'));
  expect(threads).toBe(Math.min(cores, 8));
  // The live plot got round 0 and one point per round, for energy and coverage.
  expect(await page.locator('.mtrl-demo-plot circle.energy').count()).toBe(4);
  expect(await page.locator('.mtrl-demo-plot circle.coverage').count()).toBe(4);
  expect(await page.locator('.mtrl-demo-progress progress').getAttribute('value')).toBe('1');
  const accuracies = await page.$$eval('[data-testid="demo-result"] tbody td', (tds) =>
    tds.map((td) => td.textContent ?? '').filter((t) => t.endsWith('%')),
  );
  expect(accuracies).toHaveLength(4);
  return {
    threads,
    backend: await page.locator('[data-testid="demo-backend"]').textContent(),
    elementwisePath: await page.locator('[data-testid="demo-elementwise"]').textContent(),
  };
}

/** The served site and the browser of one test file (see {@link siteUnderTest}). */
export interface SiteUnderTest {
  readonly server: StaticServer;
  readonly browser: Browser;
}

/**
 * Registers the hooks every browser test file needs: before its tests, the site is built when
 * missing, served on a loopback port and Chromium launched; after them both are closed. The
 * returned object's fields are set in `beforeAll`, so read them inside tests only.
 */
export function siteUnderTest(): SiteUnderTest {
  const site = {} as { server: StaticServer; browser: Browser };
  beforeAll(async () => {
    await ensureSite();
    site.server = await serveStatic(dist);
    site.browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}
