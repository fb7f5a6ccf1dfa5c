import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../../test/capture.js';
import { interrupted } from '../../test/interrupt.js';
import { main } from '../cli.js';
import { readSweepRecords } from '../sweep.js';
import { livePoolWorkers } from '../workerPool.js';

afterEach(() => vi.restoreAllMocks());

const BASE = {
  name: 'conv',
  seed: 0,
  seeds: 1,
  groundTruth: { d: 16, r: 2 },
  pretrain: { T: 4, m: 16, n1: 64, n2: 64, eta: 1000 },
  methods: ['multiTask', 'randomFeatures'],
  downstream: { nTrain: 50, nTest: 100 },
};

const dir = mkdtempSync(join(tmpdir(), 'mtrl-sweepcli-'));
const cfg = join(dir, 'c.json');
writeFileSync(cfg, JSON.stringify(BASE));

/** A 6-point sweep with overrides of the base config. */
const args = (out: string, ...more: string[]) => [
  'sweep',
  cfg,
  '--grid',
  'pretrain.T=2,4,6',
  '--grid',
  'seed=0,10',
  '--set',
  'downstream.nTrain=40',
  '--seeds',
  '2',
  '--out',
  out,
  ...more,
];

interface Rec {
  id: string;
  config: { downstream: { nTrain: number }; seeds: number };
  result: { runs: { seconds: number }[]; meta: unknown };
}
/** The records without their timings and run metadata (start time), sorted by point. */
const strip = (out: string) =>
  readSweepRecords<Rec['result']>(out)
    .map((r) => ({
      ...r,
      result: {
        ...r.result,
        meta: undefined,
        runs: r.result.runs.map((x) => ({ ...x, seconds: 0 })),
      },
    }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('mtrl-bench sweep conveniences', () => {
  const one = join(dir, 'jobs1');
  it('--set and --seeds apply to the base config before the grid', async () => {
    const io = capture();
    expect(await main(args(one, '--jobs', '1', '--quiet'))).toBe(0);
    const recs = readSweepRecords<Rec['result']>(one) as unknown as Rec[];
    expect(recs).toHaveLength(6);
    for (const r of recs) {
      expect(r.config.downstream.nTrain).toBe(40);
      expect(r.config.seeds).toBe(2);
    }
    // The summary table: one row per point, with its axes, seed count and mean ± stderr.
    const table = io.out().split('\n');
    expect(table[0].split(/\s{2,}/)).toEqual([
      'pretrain.T',
      'seed',
      'seeds',
      'multiTask energy',
      'multiTask acc halfspace',
      'multiTask acc xor',
      'randomFeatures energy',
      'randomFeatures acc halfspace',
      'randomFeatures acc xor',
    ]);
    expect(table[1]).toMatch(/^2 +0 +2 +\d\.\d{3} ± \d\.\d{3} /);
    expect(table[6]).toMatch(/^6 +10 +2 /);
    expect(table[7]).toMatch(/^6 of 6 point\(s\) recorded in/);
    // summary.csv: a column per axis, the seed count and standard errors.
    const csv = readFileSync(join(one, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'pretrain.T,seed,method,n_seeds,energy,energy_stderr,coverage,coverage_stderr,task,accuracy,accuracy_stderr',
    );
    expect(csv).toHaveLength(1 + 6 * 2 * 2);
    expect(csv[1]).toMatch(/^2,0,multiTask,2,[\d.e-]+,[\d.e-]+,[\d.e-]+,[\d.e-]+,halfspace,/);
  });

  it('--jobs 2 records what --jobs 1 records, shows progress and resumes on a rerun', async () => {
    const two = join(dir, 'jobs2');
    const io = capture();
    expect(await main(args(two, '--jobs', '2'))).toBe(0);
    expect(livePoolWorkers()).toBe(0);
    expect(strip(two)).toEqual(strip(one));
    if (!process.stderr.isTTY) expect(io.err()).toMatch(/sweep: 6\/6 \(100%\), ETA /);
    expect(readFileSync(join(two, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(
      /^pretrain\.T,seed,/,
    );
    // A rerun finds every point done and runs none.
    const before = readFileSync(join(two, 'results.jsonl'), 'utf8');
    expect(await main(args(two, '--jobs', 'auto'))).toBe(0);
    expect(io.err()).toMatch(/sweep: 6\/6 .*6 already done/);
    expect(readFileSync(join(two, 'results.jsonl'), 'utf8')).toBe(before);
  });

  it('an interrupted parallel sweep says a rerun resumes, and the rerun does', async () => {
    const out = join(dir, 'interrupted');
    const io = capture();
    const results = join(out, 'results.jsonl');
    const code = await interrupted(
      args(out, '--jobs', '2', '--quiet'),
      () => existsSync(results) && readFileSync(results, 'utf8').length > 0,
    );
    expect(code).toBe(130);
    expect(livePoolWorkers()).toBe(0);
    expect(io.err()).toMatch(
      /stopping: the points in progress are dropped, the finished ones are kept in .*results\.jsonl, and rerunning the same command resumes from them/,
    );
    expect(io.err()).toMatch(
      /mtrl-bench: interrupted: [1-5] of 6 point\(s\) are recorded in .*results\.jsonl; rerun the same command to resume: the finished points are not run again/,
    );
    const kept = readSweepRecords(out).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(6);
    expect(await main(args(out, '--jobs', '2', '--quiet'))).toBe(0);
    expect(strip(out)).toEqual(strip(one));
  });

  it.each([
    [['--set', 'pretrain.X=1'], /--set pretrain\.X: "X" is not a field of pretrain/],
    [['--set', 'pretrain.T=3'], /--set pretrain\.T=3 and --grid pretrain\.T both set pretrain\.T/],
    [['--seed', '4'], /--seed 4 and --grid seed both set seed/],
    [
      ['--set', 'downstream.nTest=0'],
      /with --set downstream\.nTrain=40 --set downstream\.nTest=0 --seeds 2 with .*\n.*downstream\.nTest: /,
    ],
    [['--jobs', '2', '--queue', 'redis://127.0.0.1:1'], /--jobs runs points on this machine/],
  ])('%j is refused with exit 2 before any work', async (flags, message) => {
    const out = join(dir, `bad-${Math.random()}`);
    const io = capture();
    expect(await main([...args(out), ...flags, '--quiet'])).toBe(2);
    expect(io.err()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
