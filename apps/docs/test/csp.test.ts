/**
 * The built site under a strict Content-Security-Policy (test/csp.ts: no 'unsafe-eval', scripts
 * from the site and VitePress's two inline scripts by hash), sent as a header with every
 * response, so the demo's workers get it too, with `report-uri` so the server collects every
 * violation, the workers' included (Chromium logs a worker's violations only to that worker's
 * console, which playwright does not pass on).
 *
 * What happens: the pages and the local search run with no violation. The demo's one violation
 * is the probe of @mtrl/tensors' `elementwisePath()`, which the demo's worker calls for its
 * result line: `new Function('return 1')` is refused once (one report, blocked-uri `eval`), the
 * package takes its plain loops, and the run completes on the WebAssembly backend. Without
 * 'wasm-unsafe-eval' it completes on the js backend.
 *
 * Same needs as site.test.ts: Debian's Chromium, and the site built (built here when missing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dist, ensureSite, launchChromium, runSmallDemo, watch } from './browser.js';
import { INLINE_SCRIPT_HASHES, inlineScripts, STRICT_CSP } from './csp.js';
import { REPORT_PATH, type StaticServer, serveStatic } from './serve.js';

/** The fields of a violation report (`report-uri`, application/csp-report) the test reads. */
interface Violation {
  readonly 'document-uri': string;
  readonly 'effective-directive': string;
  readonly 'blocked-uri': string;
  readonly 'source-file'?: string;
  readonly disposition: string;
}

let browser: Browser;
const servers: StaticServer[] = [];
const reports: Violation[] = [];

/** Serves the site with `policy` (plus `report-uri`) on every response; reports go to `reports`. */
async function serveWith(policy: string): Promise<StaticServer> {
  const server = await serveStatic(dist, {
    headers: { 'content-security-policy': `${policy}; report-uri ${REPORT_PATH}` },
    onReport: (body) => reports.push((body as { 'csp-report': Violation })['csp-report']),
  });
  servers.push(server);
  return server;
}

/** Report-uri POSTs are sent asynchronously: waits until `n` arrived, then a second for more. */
async function settledReports(n: number): Promise<Violation[]> {
  await expect.poll(() => reports.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
  await new Promise((ok) => setTimeout(ok, 1000));
  return reports.splice(0);
}

/** Opens the demo page, noting the URL of every worker it starts (the demo's own comes first). */
async function openDemo(url: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watch(page);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${url}/demo.html`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.mtrl-demo input[name="d"]');
  return { page, problems, workers };
}

const sitePages = (): string[] =>
  (readdirSync(dist, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.html'))
    .map((f) => `/${f.split('\\').join('/')}`.replace(/(^|\/)index\.html$/, '$1'))
    .sort();

beforeAll(async () => {
  await ensureSite();
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

describe('the built site under a strict Content-Security-Policy', () => {
  it('needs no inline script but the two the policy allows by hash, and no inline handlers', () => {
    expect(STRICT_CSP).not.toContain("'unsafe-eval'");
    expect(STRICT_CSP).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[^;]*;/);
    expect(STRICT_CSP.match(/script-src[^;]*/)?.[0]).not.toContain("'unsafe-inline'");
    const pages = sitePages();
    expect(pages.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    const unknown: string[] = [];
    const handlers: string[] = [];
    for (const path of pages) {
      const html = readFileSync(
        join(dist, path.endsWith('/') ? `${path}index.html` : path),
        'utf8',
      );
      for (const script of inlineScripts(html)) {
        seen.add(script.hash);
        if (!Object.values(INLINE_SCRIPT_HASHES).includes(script.hash))
          unknown.push(`${path}: <script ${script.attributes}> has '${script.hash}'`);
      }
      for (const m of html.matchAll(/<[a-z][^>]*\s(on[a-z]+)=/gi))
        handlers.push(`${path}: ${m[1]}`);
      if (/\shref="javascript:/i.test(html)) handlers.push(`${path}: javascript: URL`);
    }
    expect(unknown, 'inline scripts not in INLINE_SCRIPT_HASHES (test/csp.ts)').toEqual([]);
    expect(seen.size, 'distinct inline scripts').toBe(Object.keys(INLINE_SCRIPT_HASHES).length);
    expect(handlers, 'inline event handlers').toEqual([]);
  });

  it('loads every page and runs the local search with no error and no violation', async () => {
    const server = await serveWith(STRICT_CSP);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    for (const path of sitePages()) {
      const before = problems.length;
      const res = await page.goto(server.url + path, { waitUntil: 'load' });
      expect(res?.status(), `status of ${path}`).toBe(200);
      await page.waitForSelector('#app .VPContent', { timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      expect(problems.splice(before), `problems on ${path}`).toEqual([]);
    }
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await page.locator('.DocSearch-Button').click();
    await page.locator('#localsearch-input').fill('elementwisePath');
    await expect.poll(() => page.locator('#localsearch-list li').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
    expect(await settledReports(0), 'violation reports').toEqual([]);
  }, 300_000);

  it("runs the demo to its result: one refused eval (the tensors probe), the loops, and 'wasm'", async () => {
    const server = await serveWith(STRICT_CSP);
    const { page, problems, workers } = await openDemo(server.url);
    const run = await runSmallDemo(page);
    // The refused probe changed nothing but the path: WebAssembly SIMD, as without a policy.
    expect(run.backend).toBe('wasm');
    expect(run.elementwisePath).toBe('loops');
    expect(problems).toEqual([]);
    await page.close();
    const violations = await settledReports(1);
    expect(violations).toHaveLength(1);
    const [probe] = violations;
    expect(probe).toMatchObject({
      'effective-directive': 'script-src',
      'blocked-uri': 'eval',
      disposition: 'enforce',
    });
    // In the demo's own worker, not in the page nor in the nested pretraining workers.
    expect(workers.length).toBeGreaterThan(1);
    expect(workers[0]).toMatch(/\/assets\/worker-[\w-]+\.js$/);
    expect(probe?.['document-uri']).toBe(workers[0]);
    expect(probe?.['source-file']).toBe(workers[0]);
  }, 180_000);

  it("runs the demo on the js backend when the policy lacks 'wasm-unsafe-eval'", async () => {
    const server = await serveWith(STRICT_CSP.replace(" 'wasm-unsafe-eval'", ''));
    const { page, problems, workers } = await openDemo(server.url);
    const run = await runSmallDemo(page);
    expect(run.backend).toBe('js');
    expect(run.elementwisePath).toBe('loops');
    expect(problems).toEqual([]);
    await page.close();
    // All in the demo's worker: the refused WebAssembly compilation(s) of setBackendAsync('auto'),
    // which then stays on js, and the probe.
    const violations = await settledReports(2);
    const kinds = violations.map((v) => `${v['effective-directive']} ${v['blocked-uri']}`);
    expect(kinds.filter((k) => k === 'script-src eval')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'script-src wasm-eval').length).toBeGreaterThan(0);
    expect(kinds.filter((k) => !/^script-src (wasm-)?eval$/.test(k))).toEqual([]);
    expect(new Set(violations.map((v) => v['document-uri']))).toEqual(new Set([workers[0]]));
  }, 180_000);
});
