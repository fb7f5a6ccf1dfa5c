import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Progress, silentProgress } from '../progress.js';
import { assembleSeed, runUnit, unitCost, unitsOfSeed } from './experiments.js';
import { liveReproduceWorkers } from './pool.js';
import { reproduce, UNITS_FILE } from './run.js';
import { type ReproduceSize, SIZES } from './sizes.js';

const tiny = SIZES.tiny;
const never = new AbortController().signal;

/** A progress that aborts the run once `k` units have finished. */
function abortAfter(k: number): { progress: Progress; signal: AbortSignal } {
  const ctl = new AbortController();
  let done = 0;
  const progress: Progress = {
    ...silentProgress,
    tick: () => {
      if (++done === k) ctl.abort();
    },
  };
  return { progress, signal: ctl.signal };
}

function readResults(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
}

/** results.json without the fields that differ between runs by design (timing, machine, jobs). */
function comparable(res: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, peakRssBytes: _p, meta: _m, jobs: _j, resumed: _r, ...rest } = res;
  return rest;
}

describe('reproduce on worker threads', () => {
  it('writes the same results.json with 1 and 2 jobs', { timeout: 360_000 }, async () => {
    const one = mkdtempSync(join(tmpdir(), 'mtrl-jobs1-'));
    const two = mkdtempSync(join(tmpdir(), 'mtrl-jobs2-'));
    const ticks: string[] = [];
    const progress: Progress = { ...silentProgress, tick: (_n, s) => ticks.push(s ?? '') };
    const a = await reproduce(tiny, {
      outDir: one,
      seeds: 2,
      progress: silentProgress,
      signal: never,
      meta: {},
      jobs: 1,
    });
    const b = await reproduce(tiny, {
      outDir: two,
      seeds: 2,
      progress,
      signal: never,
      meta: {},
      jobs: 2,
    });
    expect([a.jobs, b.jobs, a.completed, b.completed]).toEqual([1, 2, true, true]);
    const units = unitsOfSeed(tiny, 0).length * 2;
    expect(ticks).toHaveLength(units);
    expect(new Set(ticks).size).toBe(units);
    const ra = readResults(one);
    const rb = readResults(two);
    expect(comparable(rb)).toEqual(comparable(ra));
    // Bit for bit, not only to toEqual's precision: the serialised numbers are the same text.
    expect(JSON.stringify(comparable(rb))).toBe(JSON.stringify(comparable(ra)));
    expect(readFileSync(join(two, 'energy-vs-tasks.csv'), 'utf8')).toBe(
      readFileSync(join(one, 'energy-vs-tasks.csv'), 'utf8'),
    );
    expect(a.measurements.map((m) => m.seed)).toEqual([
      ...a.measurements.filter((m) => m.seed === 0).map(() => 0),
      ...a.measurements.filter((m) => m.seed === 1).map(() => 1),
    ]);
    expect(liveReproduceWorkers()).toBe(0);
  });

  it('estimates unit costs in the order the paper run measured them', () => {
    const paper = SIZES.paper;
    const cost = (u: Parameters<typeof unitCost>[1]) => unitCost(paper, u);
    const dims = (d: number, method: 'multiTask' | 'methodOfMoments' | 'oracle') =>
      cost({ kind: 'dims', seed: 0, d, method });
    const energy = (d: number, T: number) => cost({ kind: 'energy', seed: 0, d, T });
    const costs = unitsOfSeed(paper, 0).map(cost);
    // Measured (seconds, one thread): multiTask d=2048 195, methodOfMoments d=2048 50,
    // multiTask d=1024 46, energy d=1024 T=512 22, collapse 20, methodOfMoments d=1024 15.
    expect(Math.max(...costs)).toBe(dims(2048, 'multiTask'));
    expect(dims(2048, 'multiTask') / dims(2048, 'methodOfMoments')).toBeGreaterThan(3);
    expect(dims(2048, 'methodOfMoments')).toBeGreaterThan(dims(1024, 'multiTask'));
    expect(energy(1024, 512) / energy(1024, 256)).toBeCloseTo(2, 1);
    // Units without pretraining still cost something (0.01-1.5 s measured).
    expect(Math.min(...costs)).toBeGreaterThan(0);
    expect(dims(1024, 'oracle')).toBeGreaterThan(dims(2048, 'oracle'));
  });

  it('assembles units in the order of the single-threaded experiments', () => {
    const units = unitsOfSeed(tiny, 0);
    expect(units.map((u) => u.kind)).toEqual([
      ...Array(2 * 3).fill('energy'),
      ...Array(2 * 5).fill('dims'),
      'collapse',
      ...Array(2 * 2 * 2).fill('phase'),
    ]);
    // Results given out of order (as workers finish) are placed by unit index.
    const results = units.map((u) => runUnit(tiny, u));
    const order = assembleSeed(units, results).map((m) => m.experiment);
    const firsts = [...new Set(order)];
    expect(firsts).toEqual([
      'energy-vs-tasks',
      'accuracy-vs-d',
      'accuracy-vs-samples',
      'accuracy-vs-width',
      'collapse',
      'phase',
    ]);
    // Each experiment's measurements are contiguous (experiment 3's two curves together, per method).
    const blocks = order.map((e) => (e === 'accuracy-vs-width' ? 'accuracy-vs-samples' : e));
    for (const e of new Set(blocks)) {
      const idx = blocks.flatMap((x, i) => (x === e ? [i] : []));
      expect(idx[idx.length - 1] - idx[0] + 1).toBe(idx.length);
    }
    // A missing unit (interrupted run) is skipped, the others keep their places (unit 0 measured
    // energy, coverage and cos θ_r).
    const partial = assembleSeed(
      units,
      results.map((r, i) => (i === 0 ? undefined : r)),
    );
    expect(partial).toEqual(assembleSeed(units, results).slice(3));
  });

  it('terminates the workers on abort and writes the finished units', {
    timeout: 360_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-abort-'));
    const res = await reproduce(tiny, {
      outDir: dir,
      seeds: 1,
      ...abortAfter(3),
      meta: {},
      jobs: 2,
    });
    expect(res.completed).toBe(false);
    expect(liveReproduceWorkers()).toBe(0);
    const written = readResults(dir) as { completed: boolean; measurements: unknown[] };
    expect(written.completed).toBe(false);
    expect(written.measurements.length).toBeGreaterThan(0);
    expect(written.measurements.length).toBeLessThan(100);
  });

  it('keeps the finished units and names the failed one when a unit throws', {
    timeout: 360_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-fail-'));
    // m = 0 neurons is refused by pretraining: the collapse unit fails, the others finish.
    const bad: ReproduceSize = { ...tiny, collapse: { ...tiny.collapse, m: 0 } };
    for (const jobs of [1, 2]) {
      await expect(
        reproduce(bad, {
          outDir: dir,
          seeds: 1,
          progress: silentProgress,
          signal: never,
          meta: {},
          jobs,
          // The second pass starts anew beside the first one's journal.
          fresh: jobs === 2,
        }),
      ).rejects.toThrow(/unit \{"kind":"collapse","seed":0\} failed/);
      const written = readResults(dir) as {
        completed: boolean;
        error: string;
        measurements: { experiment: string }[];
      };
      expect(written.completed).toBe(false);
      expect(written.error).toMatch(/collapse/);
      expect(written.measurements.some((m) => m.experiment === 'collapse')).toBe(false);
      expect(written.measurements.some((m) => m.experiment === 'energy-vs-tasks')).toBe(true);
    }
    expect(liveReproduceWorkers()).toBe(0);
  });

  it('resumes an interrupted run and writes what an uninterrupted run writes', {
    timeout: 360_000,
  }, async () => {
    const software = { '@mtrl/bench': '0.0.0-test', 'gemm kernel': 'test' };
    const full = mkdtempSync(join(tmpdir(), 'mtrl-full-'));
    await reproduce(tiny, {
      outDir: full,
      seeds: 1,
      progress: silentProgress,
      signal: never,
      meta: {},
      software,
    });
    const total = unitsOfSeed(tiny, 0).length;
    expect(readFileSync(join(full, UNITS_FILE), 'utf8').trim().split('\n')).toHaveLength(total);

    // Interrupted after 4 units (one thread, so exactly 4 are in the journal).
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-resume-'));
    const cut = await reproduce(tiny, {
      outDir: dir,
      seeds: 1,
      ...abortAfter(4),
      meta: {},
      software,
    });
    expect([cut.completed, cut.resumed]).toEqual([false, 0]);
    // A torn last line, as a crash mid-write leaves it, is ignored and its unit run again.
    writeFileSync(
      join(dir, UNITS_FILE),
      `${readFileSync(join(dir, UNITS_FILE), 'utf8')}{"id":"{\\"kind`,
    );

    const ran: string[] = [];
    const logged: string[] = [];
    const progress: Progress = {
      ...silentProgress,
      tick: (_n, s) => ran.push(s ?? ''),
      log: (l) => logged.push(l),
    };
    const res = await reproduce(tiny, {
      outDir: dir,
      seeds: 1,
      progress,
      signal: never,
      meta: {},
      software,
      jobs: 2,
      resume: true,
    });
    expect([res.completed, res.resumed]).toEqual([true, 4]);
    expect(ran).toHaveLength(total - 4);
    expect(logged.join('\n')).toMatch(`4 of ${total} units taken from`);
    expect(JSON.stringify(comparable(readResults(dir)))).toBe(
      JSON.stringify(comparable(readResults(full))),
    );

    // Resuming a finished run runs nothing; more seeds run only the new seed's units.
    ran.length = 0;
    const again = await reproduce(tiny, {
      outDir: dir,
      seeds: 2,
      progress,
      signal: never,
      meta: {},
      software,
      resume: true,
    });
    expect([again.completed, again.resumed, ran.length]).toEqual([true, total, total]);
    expect(ran.every((l) => l.startsWith('seed 1 '))).toBe(true);

    // Without resume an earlier journal is refused, never deleted; fresh moves it aside.
    ran.length = 0;
    const again1 = { outDir: dir, seeds: 1, progress, signal: never, meta: {}, software };
    await expect(reproduce(tiny, again1)).rejects.toThrow(
      /units\.jsonl holds \d+ finished unit\(s\) of an earlier run; pass --resume to continue it, or --fresh/,
    );
    expect(ran).toHaveLength(0);
    const before = readFileSync(join(dir, UNITS_FILE), 'utf8');
    await reproduce(tiny, { ...again1, fresh: true, resume: true });
    expect(ran).toHaveLength(total);
    const aside = readdirSync(dir).filter((f) => /^units\.jsonl\..*\.bak$/.test(f));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(before);
    expect(logged.join('\n')).toMatch(/--fresh: moved the earlier journal .* aside to .*\.bak/);
  });

  it('refuses to resume from units of another size or software, naming the difference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-mismatch-'));
    const software = { '@mtrl/tensors': '1.0.0' };
    await reproduce(tiny, {
      outDir: dir,
      seeds: 1,
      ...abortAfter(1),
      meta: {},
      software,
    });
    const base = {
      outDir: dir,
      seeds: 1,
      progress: silentProgress,
      signal: never,
      meta: {},
      resume: true,
    };
    const other: ReproduceSize = { ...tiny, n: 128 };
    await expect(reproduce(other, { ...base, software })).rejects.toThrow(
      /holds units of another run \(size\.n 256 there, 128 here\); pass --fresh to move that journal aside/,
    );
    await expect(
      reproduce(tiny, { ...base, software: { '@mtrl/tensors': '1.1.0' } }),
    ).rejects.toThrow(/@mtrl\/tensors 1\.0\.0 there, 1\.1\.0 here/);
  });
});
