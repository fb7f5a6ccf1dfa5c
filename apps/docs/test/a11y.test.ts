/**
 * Accessibility of the built site: axe-core (an exact-pinned devDependency, injected into each
 * page with playwright-core's addScriptTag) finds no serious or critical violation of WCAG 2.x
 * A and AA on the main pages, in light and dark mode, nor on the demo after a run (plot, legend,
 * result table). Colour contrast of code (Shiki's token colours, the language labels) is among
 * the rules.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runSmallDemo, siteUnderTest } from './browser.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PAGES = [
  '/',
  '/getting-started.html',
  '/concepts.html',
  '/specification.html',
  '/studies.html',
  '/demo.html',
  '/reproduced.html',
  '/packages/tensors.html',
  '/packages/probes.html',
  '/packages/bench.html',
  '/api/',
  '/api/@mtrl/probes.html',
];

const site = siteUnderTest();

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe on the open page; returns its serious and critical violations, one line each. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = (await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> };
    };
    const res = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return res.violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} ${n.failureSummary ?? ''}`,
      ),
    );
}

describe('accessibility (axe-core)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical violations on the main pages (${scheme})`, async () => {
      const context = await site.browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: scheme,
      });
      const found: string[] = [];
      for (const path of PAGES) {
        const page = await context.newPage();
        await page.goto(site.server.url + path, { waitUntil: 'networkidle' });
        await page.waitForSelector('#app .VPContent');
        for (const v of await axe(page)) found.push(`${path}: ${v}`);
        await page.close();
      }
      await context.close();
      expect(found).toEqual([]);
    }, 300_000);
  }

  it('has none on the demo after a run, at 390 px', async () => {
    const page = await site.browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${site.server.url}/demo.html`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.mtrl-demo input[name="d"]');
    await runSmallDemo(page);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 180_000);
});
