import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadStudy } from './config.js';
import { silentProgress } from './progress.js';
import { formatStudy, runStudy } from './study.js';

const teacher = join(import.meta.dirname, '..', 'configs', 'teacher.yaml');
const never = new AbortController().signal;

describe('a study on unbalanced teacher tasks', () => {
  it('recovers the subspace with centred labels, and warns without', {
    timeout: 300_000,
  }, async () => {
    const raw = loadStudy(teacher);
    const centred = { ...raw, pretrain: { ...raw.pretrain, centerLabels: true } };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = await runStudy(raw, silentProgress, never);
    const b = await runStudy(centred, silentProgress, never);
    const notices = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    const energy = (res: typeof a) =>
      res.summary.find((s) => s.method === 'multiTask')?.energy.mean ?? Number.NaN;
    // Measured (d = 64, r = 4, 2 seeds): about 0.08 raw, 0.85 centred; r/d = 0.06.
    expect(energy(a)).toBeLessThan(0.2);
    expect(energy(b)).toBeGreaterThan(0.6);
    // Pretraining's notice fires for each raw run only, and the table says it too.
    expect(notices.filter((n) => /unbalanced/.test(n))).toHaveLength(raw.seeds);
    expect(formatStudy(a, raw)).toMatch(
      /mean \|E y\| = 0\.\d+ > 0\.3: WARNING.*centerLabels: true/,
    );
    expect(formatStudy(b, centred)).toMatch(/labels centred within each sample set/);
    // Every downstream accuracy sits beside its test set's majority-class rate.
    const table = formatStudy(b, centred);
    expect(table).toMatch(/\(majority class\)/);
    for (const r of b.runs) {
      // Random features are the initial layer (no pretraining run since keys replaced seeds).
      expect(r.status).toBe(r.method === 'randomFeatures' ? 'n/a' : 'completed');
      for (const t of Object.values(r.downstream))
        expect(t.majorityRate).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('marks a diverging method, with its round, instead of reporting numbers', {
    timeout: 120_000,
  }, async () => {
    const raw = loadStudy(join(import.meta.dirname, '..', 'configs', 'tiny.yaml'));
    const cfg = {
      ...raw,
      seeds: 1,
      methods: ['multiTask'],
      pretrain: { ...raw.pretrain, loss: 'square' as const, alpha: 100, eta: 100, rounds: 20 },
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const lines: string[] = [];
    const res = await runStudy(cfg, { ...silentProgress, log: (l) => lines.push(l) }, never);
    warn.mockRestore();
    expect(res.runs[0].status).toBe('diverged');
    expect(res.runs[0].divergence?.round).toBeGreaterThanOrEqual(1);
    expect(Number.isNaN(res.runs[0].probes.energy)).toBe(true);
    expect(lines.join('\n')).toMatch(/multiTask seed 0: DIVERGED in round \d+/);
    expect(formatStudy(res, cfg)).toMatch(/multiTask \(DIVERGED\)/);
  });
});
