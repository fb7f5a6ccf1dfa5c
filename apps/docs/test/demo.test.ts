/** The demo's form validation and its computation (the code the Web Worker runs), in Node. */

import { readFileSync } from 'node:fs';
import { elementwisePath } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  DEMO_BASELINES,
  DEMO_SUGGESTIONS,
  type DemoParams,
  defaultParams,
  describeParams,
  FIELDS,
  MAX_WORK,
  suggestionParams,
  validateParams,
  workOf,
} from '../.vitepress/theme/demo/params.js';
import { polyline, roundTicks } from '../.vitepress/theme/demo/plot.js';
import { type DemoMessage, type DemoResult, runDemo } from '../.vitepress/theme/demo/run.js';

const asForm = (p: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));

describe('validateParams', () => {
  it('accepts the defaults, as strings from the form or as numbers', () => {
    const defaults = defaultParams();
    expect(validateParams(asForm({ ...defaults }))).toEqual({ ok: true, params: defaults });
    expect(validateParams({ ...defaults })).toEqual({ ok: true, params: defaults });
    expect(workOf(defaults)).toBeLessThan(MAX_WORK);
  });

  it('names every bad field with a message', () => {
    const v = validateParams(
      asForm({
        ...defaultParams(),
        d: '8',
        r: '9',
        T: 'abc',
        m: '0',
        n1: '2.5',
        eta: '-1',
        seed: '',
      }),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual({
      r: 'must be at most d = 8',
      T: 'must be a number',
      m: 'must be between 1 and 1024',
      n1: 'must be a whole number',
      eta: 'must be between 1e-6 and 1e+6',
      seed: 'required',
    });
  });

  it('caps every size and refuses work above the cap for the form as a whole', () => {
    for (const f of FIELDS) {
      const v = validateParams(asForm({ ...defaultParams(), [f.name]: f.max * 2 + 1 }));
      expect(v.ok, f.name).toBe(false);
    }
    const big = validateParams(
      asForm({ ...defaultParams(), d: 1024, m: 1024, T: 512, n1: 8192, n2: 8192 }),
    );
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.errors.form).toMatch(/above the demo's cap/);
  });

  it('lets the projected sampler go to large d, and says so when the explicit one cannot', () => {
    const wide = { ...defaultParams(), d: 65536, r: 4, T: 16, m: 32, n1: 256, n2: 256 };
    expect(validateParams(asForm({ ...wide, sampler: 'projected' })).ok).toBe(true);
    const explicit = validateParams(asForm({ ...wide, sampler: 'explicit' }));
    expect(explicit.ok).toBe(false);
    if (!explicit.ok) expect(explicit.errors.form).toMatch(/choose the projected sampler/);
    const moments = validateParams(asForm({ ...wide, baseline: 'methodOfMoments' }));
    expect(moments.ok).toBe(false);
    if (!moments.ok) expect(moments.errors.baseline).toMatch(/at most d = 4096/);
    const bad = validateParams(asForm({ ...defaultParams(), sampler: 'magic' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.sampler).toBe('unknown sampler "magic"');
  });

  it('refuses unknown baselines and non-boolean flags', () => {
    const v = validateParams({ ...defaultParams(), baseline: 'magic', normalizeRows: 'yes' });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(Object.keys(v.errors).sort()).toEqual(['baseline', 'normalizeRows']);
  });
});

describe('runDemo', () => {
  it('reports every round, then multi-task beats r/d and the random-feature baseline', async () => {
    const messages: DemoMessage[] = [];
    const params = { d: 16, r: 2, T: 8, m: 16, n1: 128, n2: 128, eta: 1000, rounds: 2 };
    await runDemo({ ...defaultParams(), ...params }, (m) => messages.push(m));
    const rounds = messages.filter((m) => m.type === 'round');
    expect(rounds.map((m) => m.round)).toEqual([0, 1, 2]);
    const done = messages.find((m) => m.type === 'done');
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    const r = done.result;
    expect(r.randomEnergy).toBe(2 / 16);
    expect(r.multiTask.energy).toBeGreaterThan(3 * r.randomEnergy);
    expect(r.baseline.energy).toBeLessThan(3 * r.randomEnergy);
    expect(r.downstream.map((row) => row.task)).toHaveLength(2);
    const xor = r.downstream[1];
    expect(xor.multiTask).toBeGreaterThan(xor.baseline);
    const progress = messages.filter((m) => m.type === 'progress');
    expect(progress[progress.length - 1]).toMatchObject({ fraction: 1 });
    expect(r.threads).toBe(1);
    expect(r.elementwisePath).toBe(elementwisePath());
    // Two worker threads give the same numbers.
    const threaded: DemoMessage[] = [];
    await runDemo({ ...defaultParams(), ...params }, (m) => threaded.push(m), { threads: 2 });
    const done2 = threaded.find((m) => m.type === 'done');
    if (done2?.type !== 'done') throw new Error(`no result: ${JSON.stringify(threaded.at(-1))}`);
    expect(done2.result.threads).toBe(2);
    expect(done2.result.multiTask).toEqual(r.multiTask);
    expect(done2.result.downstream).toEqual(r.downstream);
  });

  it.each(Object.keys(DEMO_BASELINES))('runs with the %s baseline and r = 1', async (baseline) => {
    const messages: DemoMessage[] = [];
    await runDemo(
      {
        ...defaultParams(),
        d: 8,
        r: 1,
        T: 2,
        m: 8,
        n1: 32,
        n2: 32,
        rounds: 1,
        nTrain: 20,
        baseline,
      },
      (m) => messages.push(m),
    );
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(messages[messages.length - 1].type).toBe('done');
  });

  it('runs at d = 16384 with the projected sampler, and multi-task recovers the subspace', async () => {
    const messages: DemoMessage[] = [];
    const params = { d: 16384, r: 2, T: 64, m: 16, n1: 8192, n2: 8192, eta: 1000, rounds: 1 };
    await runDemo({ ...defaultParams(), ...params, sampler: 'projected' }, (m) => messages.push(m));
    const done = messages.find((m) => m.type === 'done');
    if (done?.type !== 'done') throw new Error(`no result: ${JSON.stringify(messages.at(-1))}`);
    const r = done.result;
    // r/d = 1.2e-4 at initialisation; one big step with T n = 32 d samples moves about a fifth
    // of the energy into the subspace (more with more tasks or samples), and each sample costs
    // O(m + r), not O(d).
    expect(r.multiTask.energy).toBeGreaterThan(0.1);
    expect(r.baseline.energy).toBeLessThan(3 * r.randomEnergy);
    const halfspace = r.downstream[0];
    expect(halfspace.multiTask).toBeGreaterThan(halfspace.baseline + 0.1);
  });

  it('posts an error, not an exception, for bad parameters', async () => {
    const messages: DemoMessage[] = [];
    await runDemo({ ...defaultParams(), d: 16, r: 32 }, (m) => messages.push(m));
    expect(messages).toEqual([
      { type: 'error', message: 'invalid parameters: r: must be at most d = 16' },
    ]);
  });
});

describe('plot geometry', () => {
  it('places round 0 on the left axis and value 1 at the top', () => {
    expect(polyline([{ round: 0, energy: 1, coverage: 0 }], 4, (p) => p.energy)).toBe('64.0,14.0');
    expect(roundTicks(3)).toEqual([0, 1, 2, 3]);
    expect(roundTicks(50)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(roundTicks(23)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 23]);
  });
});

/** Runs the demo in Node and returns its result and the probes of every round. */
async function demo(
  params: DemoParams,
  threads = 1,
): Promise<{ result: DemoResult; rounds: { energy: number; coverage: number }[] }> {
  const messages: DemoMessage[] = [];
  await runDemo({ ...params }, (m) => messages.push(m), { threads });
  const done = messages.find((m) => m.type === 'done');
  if (done?.type !== 'done') throw new Error(`no result: ${JSON.stringify(messages.at(-1))}`);
  const rounds = messages.flatMap((m) => (m.type === 'round' ? [m] : []));
  return { result: done.result, rounds };
}

const suggestion = (id: string) => {
  const s = DEMO_SUGGESTIONS.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no suggestion ${id}`);
  return suggestionParams(s);
};
const accuracy = (r: DemoResult, task: 'halfspace' | 'xor') =>
  r.downstream[task === 'halfspace' ? 0 : 1];

describe("the demo page's Things to try", () => {
  const page = readFileSync(new URL('../src/demo.md', import.meta.url), 'utf8');
  const tries = page.slice(page.indexOf('## Things to try'), page.indexOf('## Notes'));

  it("states every suggestion in full, in page order, each within the form's limits", () => {
    let at = 0;
    for (const s of DEMO_SUGGESTIONS) {
      const p = suggestionParams(s);
      expect(validateParams({ ...p }), s.title).toEqual({ ok: true, params: p });
      const item = `- **${s.title}.** \`${describeParams(p)}\``;
      const found = tries.indexOf(item);
      expect(found, `demo.md states ${s.title} as ${item}`).toBeGreaterThan(at);
      at = found;
    }
    expect(tries.match(/^- \*\*/gm)).toHaveLength(DEMO_SUGGESTIONS.length);
  });

  it('One big step: energy jumps from about r/d to above 0.8 in one round', async () => {
    const { result, rounds } = await demo(suggestion('big-step'));
    expect(rounds).toHaveLength(2);
    expect(rounds[0].energy).toBeLessThan(2 * result.randomEnergy);
    expect(rounds[1].energy).toBeGreaterThan(0.8);
  });

  it('One task: energy rises, coverage falls below 0.2, xor far below the defaults', async () => {
    const one = await demo(suggestion('one-task'));
    const many = await demo(defaultParams());
    expect(one.result.multiTask.energy).toBeGreaterThan(5 * one.result.randomEnergy);
    expect(one.result.multiTask.coverage).toBeLessThan(0.2);
    expect(many.result.multiTask.coverage).toBeGreaterThan(0.6);
    expect(accuracy(one.result, 'xor').multiTask).toBeLessThan(
      accuracy(many.result, 'xor').multiTask - 0.15,
    );
  });

  it('Too little data: energy stays below 0.15 after every round', async () => {
    const { rounds } = await demo(suggestion('little-data'));
    expect(rounds).toHaveLength(7);
    for (const r of rounds) expect(r.energy).toBeLessThan(0.15);
  });

  it('Collapse: after round 1 coverage falls below half while energy stays above 0.8; not with the defaults', async () => {
    const { rounds } = await demo(suggestion('collapse'));
    expect(rounds).toHaveLength(21);
    const last = rounds[20];
    expect(last.coverage).toBeLessThan(rounds[1].coverage / 2);
    for (const r of rounds.slice(2)) expect(r.energy).toBeGreaterThan(0.8);
    // With the defaults' r = 2 and 32 tasks, 20 rounds of the same step do not collapse.
    const balanced = await demo({ ...defaultParams(), rounds: 20, eta: 1000 });
    expect(balanced.rounds[20].coverage).toBeGreaterThan(balanced.rounds[1].coverage / 2);
  });

  it('Random features: from d = 64 to d = 1024 the baseline falls towards chance, multi-task stays accurate', async () => {
    const small = (await demo(defaultParams())).result;
    const large = (await demo(suggestion('random-features'), 2)).result;
    const half = (r: DemoResult) => accuracy(r, 'halfspace');
    expect(half(large).baseline).toBeLessThan(half(small).baseline - 0.1);
    expect(half(large).baseline).toBeLessThan(0.6);
    expect(accuracy(large, 'xor').baseline).toBeLessThan(0.6);
    expect(half(large).multiTask).toBeGreaterThan(0.85);
    expect(accuracy(large, 'xor').multiTask).toBeGreaterThan(0.75);
  }, 120_000);

  it('Large d: d = 65536 runs; one step lifts energy a thousandfold over r/d, and the halfspace probe beats random features', async () => {
    const { result } = await demo(suggestion('large-d'), 2);
    expect(result.params.d).toBe(65536);
    expect(result.multiTask.energy).toBeGreaterThan(1000 * result.randomEnergy);
    const half = accuracy(result, 'halfspace');
    expect(half.baseline).toBeLessThan(0.56);
    expect(half.multiTask).toBeGreaterThan(half.baseline + 0.1);
  }, 180_000);
});
