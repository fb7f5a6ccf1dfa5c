/**
 * The demo page's "Things to try" in Chromium, through the page: each suggestion is set from
 * its button, run with the Run button, and its effect read back from what the page shows (the
 * result table's values, and each round's energy and coverage from the plot's points), with the
 * checks test/demo.test.ts makes in Node. Where the page promises an effect against the
 * defaults, the defaults run from the Defaults button too.
 *
 * Needs /usr/bin/chromium like the other browser tests (see browser.ts); builds the site with
 * the tiny reproduce size when it is missing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_SUGGESTIONS, defaultParams } from '../.vitepress/theme/demo/params.js';
import { PLOT } from '../.vitepress/theme/demo/plot.js';
import { demoField, siteUnderTest, watch } from './browser.js';

const site = siteUnderTest();

/** What a finished run shows. */
interface Shown {
  /** Energy and coverage of each round, 0 to K, read from the plot's points. */
  readonly rounds: { energy: number; coverage: number }[];
  readonly randomEnergy: number;
  readonly energy: number;
  readonly coverage: number;
  readonly multi: { halfspace: number; xor: number };
  readonly baseline: { halfspace: number; xor: number };
}

/** A value in [0, 1] from the y coordinate of a plot point (the inverse of plot.ts's `y`). */
const fromY = (y: number) => 1 - (y - PLOT.top) / (PLOT.height - PLOT.top - PLOT.bottom);

/**
 * Opens the demo, sets the form from a suggestion's button (or the Defaults button, then the
 * given fields), runs it and reads what the page shows. Fails on a failed run or a page error.
 */
async function runFromPage(
  how: { suggestion: string } | { defaults: Record<string, string> },
): Promise<Shown> {
  const page: Page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watch(page);
  try {
    await page.goto(`${site.server.url}/demo.html`, { waitUntil: 'networkidle' });
    if ('suggestion' in how) {
      await page
        .locator(`.mtrl-demo-suggestions button[data-suggestion="${how.suggestion}"]`)
        .click();
    } else {
      await page.locator('.mtrl-demo-buttons button', { hasText: 'Defaults' }).click();
      for (const [name, value] of Object.entries(how.defaults))
        await demoField(page, name).fill(value);
    }
    await page.locator('.mtrl-demo-run').click();
    const output = page.locator(
      '.mtrl-demo-output[data-status="done"], .mtrl-demo-output[data-status="error"]',
    );
    await output.waitFor({ timeout: 600_000 });
    expect(await output.getAttribute('data-status'), (await output.textContent()) ?? '').toBe(
      'done',
    );
    const value = async (id: string) =>
      Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
    const points = await page.evaluate(() => {
      const read = (kind: string) =>
        Array.from(document.querySelectorAll(`.mtrl-demo-plot circle.${kind}`), (c) => ({
          x: Number(c.getAttribute('cx')),
          y: Number(c.getAttribute('cy')),
        })).sort((a, b) => a.x - b.x);
      return { energy: read('energy'), coverage: read('coverage') };
    });
    expect(points.coverage).toHaveLength(points.energy.length);
    const rounds = points.energy.map((e, i) => ({
      energy: fromY(e.y),
      coverage: fromY(points.coverage[i]?.y ?? Number.NaN),
    }));
    const shown: Shown = {
      rounds,
      randomEnergy: await value('random-energy'),
      energy: await value('final-energy'),
      coverage: await value('final-coverage'),
      multi: { halfspace: await value('multi-hal'), xor: await value('multi-xor') },
      baseline: { halfspace: await value('baseline-hal'), xor: await value('baseline-xor') },
    };
    // The plot's last point is the result table's row: the points are read right.
    expect(rounds.at(-1)?.energy).toBeCloseTo(shown.energy, 9);
    expect(rounds.at(-1)?.coverage).toBeCloseTo(shown.coverage, 9);
    expect(problems).toEqual([]);
    return shown;
  } finally {
    await page.close();
  }
}

/** A suggestion's id, checked against params.ts. */
const suggestion = (id: string) => {
  expect(DEMO_SUGGESTIONS.map((s) => s.id)).toContain(id);
  return { suggestion: id };
};

// The defaults, run once for the suggestions the page compares with them.
let defaultsRun: Promise<Shown> | undefined;
const defaults = () => {
  defaultsRun ??= runFromPage({ defaults: {} });
  return defaultsRun;
};

describe("the demo's Things to try, run in Chromium from their buttons", () => {
  it('covers every suggestion of params.ts', () => {
    expect(DEMO_SUGGESTIONS.map((s) => s.id)).toEqual([
      'big-step',
      'one-task',
      'little-data',
      'collapse',
      'random-features',
      'large-d',
    ]);
    expect(defaultParams().rounds).toBe(6);
  });

  it('One big step: energy jumps from about r/d to above 0.8 in one round', async () => {
    const { rounds, randomEnergy } = await runFromPage(suggestion('big-step'));
    expect(rounds).toHaveLength(2);
    expect(rounds[0]?.energy).toBeLessThan(2 * randomEnergy);
    expect(rounds[1]?.energy).toBeGreaterThan(0.8);
  }, 300_000);

  it('One task: energy rises, coverage falls below 0.2, xor far below the defaults', async () => {
    const one = await runFromPage(suggestion('one-task'));
    const many = await defaults();
    expect(one.energy).toBeGreaterThan(5 * one.randomEnergy);
    expect(one.coverage).toBeLessThan(0.2);
    expect(many.coverage).toBeGreaterThan(0.6);
    expect(one.multi.xor).toBeLessThan(many.multi.xor - 0.15);
  }, 300_000);

  it('Too little data: energy stays below 0.15 after every round', async () => {
    const { rounds } = await runFromPage(suggestion('little-data'));
    expect(rounds).toHaveLength(7);
    for (const r of rounds) expect(r.energy).toBeLessThan(0.15);
  }, 300_000);

  it('Collapse: after round 1 coverage falls below half while energy stays above 0.8; not with the defaults', async () => {
    const { rounds } = await runFromPage(suggestion('collapse'));
    expect(rounds).toHaveLength(21);
    expect(rounds[20]?.coverage).toBeLessThan((rounds[1]?.coverage ?? 0) / 2);
    for (const r of rounds.slice(2)) expect(r.energy).toBeGreaterThan(0.8);
    const balanced = await runFromPage({ defaults: { rounds: '20', eta: '1000' } });
    expect(balanced.rounds).toHaveLength(21);
    expect(balanced.rounds[20]?.coverage).toBeGreaterThan((balanced.rounds[1]?.coverage ?? 1) / 2);
  }, 600_000);

  it('Random features: from d = 64 to d = 1024 the baseline falls towards chance, multi-task stays accurate', async () => {
    const small = await defaults();
    const large = await runFromPage(suggestion('random-features'));
    expect(large.baseline.halfspace).toBeLessThan(small.baseline.halfspace - 0.1);
    expect(large.baseline.halfspace).toBeLessThan(0.6);
    expect(large.baseline.xor).toBeLessThan(0.6);
    expect(large.multi.halfspace).toBeGreaterThan(0.85);
    expect(large.multi.xor).toBeGreaterThan(0.75);
  }, 600_000);

  it('Large d: d = 65536 runs; one step lifts energy a thousandfold over r/d, and the halfspace probe beats random features', async () => {
    const shown = await runFromPage(suggestion('large-d'));
    expect(shown.randomEnergy).toBe(2 / 65536);
    expect(shown.energy).toBeGreaterThan(1000 * shown.randomEnergy);
    expect(shown.baseline.halfspace).toBeLessThan(0.56);
    expect(shown.multi.halfspace).toBeGreaterThan(shown.baseline.halfspace + 0.1);
  }, 600_000);
});
