/**
 * Layout of the built site in Chromium at 1280 px and 390 px (a phone): no page overflows
 * horizontally, tables, figures and plots stay inside their column (a wide table may scroll in
 * its own box), the concepts page's probe table fits at 1280 px, and the demo's plot has a
 * y-axis title and tick labels of 10 px or more. The demo runs one of its "Things to try" from
 * its button and shows the promised effect. The API reference: descriptions on the index,
 * functions first, formulas rendered on every package page.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FORMULA_BLOCKS, FORMULA_LINES, FORMULAS } from '../scripts/api.mjs';
import { siteUnderTest, watch } from './browser.js';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../packages');
const PACKAGES = ['tensors', 'tasks', 'network', 'optim', 'pretrain', 'probes', 'baselines'];
const PAGES = [
  '/',
  '/getting-started.html',
  '/concepts.html',
  '/specification.html',
  '/studies.html',
  '/demo.html',
  '/reproduced.html',
  '/packages/tensors.html',
  '/packages/bench.html',
  '/api/',
  '/api/@mtrl/probes.html',
];
const WIDTHS = [1280, 390] as const;

const site = siteUnderTest();

async function open(width: number, path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await site.browser.newPage({ viewport: { width, height: 900 } });
  const problems = watch(page);
  await page.goto(site.server.url + path, { waitUntil: 'networkidle' });
  await page.waitForSelector('#app .VPContent');
  return { page, problems };
}

/**
 * What sticks out: the page's own horizontal overflow, and every table, figure, plot and
 * formula of the content whose box runs past the content column. A table that scrolls inside
 * its own box (overflow-x auto, not wider than the column) is fine.
 */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      out.push(`page: scrollWidth ${doc.scrollWidth} > ${window.innerWidth}`);
    }
    const column = document.querySelector('.vp-doc');
    if (!column) return ['no .vp-doc'];
    const right = column.getBoundingClientRect().right + 1;
    const selector = 'table, svg, img, mjx-container[display="true"], .mtrl-demo-table, p, li';
    for (const e of Array.from(column.querySelectorAll(selector))) {
      if (e.closest('.VPLocalSearchBox')) continue;
      // An SVG inside a formula or a table that scrolls is judged with its container.
      if (e.tagName.toLowerCase() === 'svg' && e.closest('mjx-container, table, button')) continue;
      // Inside a box that scrolls sideways (itself judged here): reachable by scrolling.
      let scroller = e.parentElement;
      while (
        scroller &&
        scroller !== column &&
        !/auto|scroll/.test(getComputedStyle(scroller).overflowX)
      )
        scroller = scroller.parentElement;
      if (scroller && scroller !== column) continue;
      const box = e.getBoundingClientRect();
      if (box.width === 0) continue;
      const name = `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}`;
      if (box.right > right)
        out.push(`${name} ends at ${box.right.toFixed(0)} > ${right.toFixed(0)}`);
    }
    return out;
  });
}

describe('layout at 1280 px and 390 px', () => {
  for (const width of WIDTHS) {
    it(`nothing overflows its column at ${width} px`, async () => {
      const found: string[] = [];
      for (const path of PAGES) {
        const { page } = await open(width, path);
        for (const o of await overflows(page)) found.push(`${path}: ${o}`);
        await page.close();
      }
      expect(found).toEqual([]);
    }, 180_000);
  }

  it('fits the concepts page probe table in its column at 1280 px, without scrolling', async () => {
    const { page } = await open(1280, '/concepts.html');
    const table = page.locator('table', { hasText: 'subspaceEnergy(w, gt)' });
    const fit = await table.evaluate((t) => {
      const column = (t.closest('.vp-doc') as HTMLElement).getBoundingClientRect();
      const box = t.getBoundingClientRect();
      return {
        right: box.right,
        column: column.right,
        scroll: t.scrollWidth,
        client: t.clientWidth,
      };
    });
    expect(fit.right).toBeLessThanOrEqual(fit.column + 1);
    expect(fit.scroll).toBeLessThanOrEqual(fit.client + 1);
    await page.close();
  }, 60_000);

  for (const width of WIDTHS) {
    it(`runs "One task" from its button at ${width} px: readable plot, legend, reachable accuracies`, async () => {
      const { page, problems } = await open(width, '/demo.html');
      await page.locator('.mtrl-demo-suggestions button[data-suggestion="one-task"]').click();
      expect(await page.locator('.mtrl-demo input[name="T"]').inputValue()).toBe('1');
      await page.locator('.mtrl-demo-run').click();
      await page.waitForSelector('[data-testid="demo-result"]', { timeout: 120_000 });
      // The effect the page promises: energy up, coverage below 0.2.
      const value = async (id: string) =>
        Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
      expect(await value('final-energy')).toBeGreaterThan(5 * (await value('random-energy')));
      expect(await value('final-coverage')).toBeLessThan(0.2);

      const plot = await page.evaluate(() => {
        const svg = document.querySelector('.mtrl-demo-plot') as SVGSVGElement;
        const scale = svg.getScreenCTM()?.a ?? 1;
        const size = (t: Element) => Number.parseFloat(getComputedStyle(t).fontSize) * scale;
        return {
          ticks: Array.from(svg.querySelectorAll('text.tick'), size),
          titles: Array.from(svg.querySelectorAll('text.axis-title'), (t) => ({
            text: t.textContent?.trim(),
            size: size(t),
          })),
          legend: Array.from(document.querySelectorAll('.mtrl-demo-legend .item'), (e) => {
            const rects = Array.from(e.getClientRects());
            return { text: e.textContent?.trim(), lines: new Set(rects.map((r) => r.top)).size };
          }),
        };
      });
      expect(plot.ticks.length).toBeGreaterThan(5);
      expect(Math.min(...plot.ticks), 'tick label size in px').toBeGreaterThanOrEqual(10);
      expect(plot.titles.map((t) => t.text)).toEqual(['round', 'energy, coverage']);
      for (const t of plot.titles) expect(t.size).toBeGreaterThanOrEqual(10);
      expect(plot.legend).toHaveLength(3);
      for (const item of plot.legend) expect(item.lines, `legend item ${item.text}`).toBe(1);
      // Every accuracy cell can be reached: inside the viewport, or in the table's scroll box.
      const cells = await page.evaluate(() => {
        const box = document.querySelector('.mtrl-demo-table') as HTMLElement;
        const style = getComputedStyle(box);
        const inner = box.getBoundingClientRect();
        return {
          scrolls: style.overflowX === 'auto' || style.overflowX === 'scroll',
          boxRight: inner.right,
          cells: Array.from(box.querySelectorAll('td'), (td) => {
            const r = td.getBoundingClientRect();
            return {
              left: r.left - inner.left + box.scrollLeft,
              right: r.right - inner.left + box.scrollLeft,
            };
          }),
          scrollWidth: box.scrollWidth,
        };
      });
      expect(cells.boxRight).toBeLessThanOrEqual(width);
      expect(cells.scrolls || cells.cells.every((c) => c.right <= cells.boxRight)).toBe(true);
      for (const c of cells.cells) expect(c.right).toBeLessThanOrEqual(cells.scrollWidth + 1);
      expect(await overflows(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }, 180_000);
  }
});

describe('the API reference', () => {
  it('lists each package with its package.json description on the index', async () => {
    const { page } = await open(1280, '/api/');
    const items = await page.$$eval('.vp-doc li', (lis) => lis.map((li) => li.textContent?.trim()));
    for (const name of PACKAGES) {
      const { description } = JSON.parse(
        readFileSync(join(packagesDir, name, 'package.json'), 'utf8'),
      ) as { description: string };
      expect(items).toContain(`@mtrl/${name}: ${description}`);
    }
    await page.close();
  }, 60_000);

  it('puts functions first on every package page, and renders the formulas of each', async () => {
    for (const name of PACKAGES) {
      const { page } = await open(1280, `/api/@mtrl/${name}.html`);
      const groups = await page.$$eval('.vp-doc h2', (hs) => hs.map((h) => h.textContent?.trim()));
      expect(groups[0], `first group of @mtrl/${name}`).toMatch(/^Functions/);
      const order = ['Functions', 'Classes', 'Interfaces', 'Type Aliases', 'Variables'];
      const ranks = groups.map((g) => order.findIndex((o) => g?.startsWith(o)));
      expect(ranks, `group order of @mtrl/${name}`).toEqual([...ranks].sort((a, b) => a - b));
      // Each listed formula (scripts/api.mjs, checked in detail by formulas.test.ts) renders.
      const listed =
        (FORMULAS[name]?.length ?? 0) +
        (FORMULA_LINES[name]?.length ?? 0) +
        (FORMULA_BLOCKS[name]?.length ?? 0);
      const math = await page.locator('.vp-doc mjx-container').count();
      expect(math, `formulas rendered on @mtrl/${name}`).toBeGreaterThanOrEqual(listed);
      const text = await page.locator('.vp-doc').textContent();
      expect(text).not.toContain('||W M^T||_F^2');
      expect(text).not.toContain('W <- W - eta * G / T');
      expect(text).not.toContain('C = alpha * op(A) op(B) + beta * C');
      expect(text).not.toContain('mu_t = b1 * mu_{t-1}');
      await page.close();
    }
  }, 120_000);
});
