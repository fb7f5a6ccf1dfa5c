import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../test/capture.js';
import { main } from './cli.js';
import { unitsOfSeed } from './reproduce/experiments.js';
import { SIZES } from './reproduce/sizes.js';
import { readSweepRecords } from './sweep.js';

const configs = join(import.meta.dirname, '..', 'configs');

afterEach(() => vi.restoreAllMocks());

describe('mtrl-bench CLI', () => {
  it('reproduces at the tiny size end to end and writes every output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-repro-'));
    const io = capture();
    const args = ['reproduce', '--size', 'tiny', '--out', dir, '--jobs', '2', '--quiet'];
    const code = await main(args);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/claims held in .* s \(2 jobs, peak RSS \d+ MiB\)/);
    const res = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(res.jobs).toBe(2);
    expect(res.claims.map((c: { id: string }) => c.id)).toEqual([
      'energy',
      'coverage',
      'downstream-vs-d',
      'random-features',
      'single-task',
    ]);
    for (const c of res.claims) expect(typeof c.held).toBe('boolean');
    expect(res.meta.packages['@mtrl/pretrain']).toMatch(/^\d+\.\d+\.\d+/);
    for (const f of [
      'report.md',
      'energy-vs-tasks.csv',
      'accuracy-vs-d.csv',
      'energy-vs-tasks.svg',
      'accuracy-vs-d-xor.svg',
      'collapse.svg',
      'phase-energy.svg',
      'phase-angles.svg',
      'phase-vs-snr.svg',
    ]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    expect(readFileSync(join(dir, 'accuracy-vs-d-xor.svg'), 'utf8')).toMatch(/^<svg/);
    // Every unit is in the journal, so the same command again runs none and writes the same
    // measurements.
    expect(await main(args)).toBe(0);
    const again = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(again.resumed).toBe(unitsOfSeed(SIZES.tiny, 0).length);
    expect(again.measurements).toEqual(res.measurements);
  });

  it('draws every sample with the projected sampler on --sampler projected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-repro-projected-'));
    const io = capture();
    const code = await main([
      'reproduce',
      '--size',
      'tiny',
      '--sampler',
      'projected',
      '--out',
      dir,
      '--jobs',
      '1',
      '--quiet',
    ]);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/projected sampler/);
    const res = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(res.size.sampler).toBe('projected');
    expect(res.claims.every((c: { held: unknown }) => typeof c.held === 'boolean')).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/projected sampler/);
    // A journal of the explicit run is refused by the projected one, naming the sampler.
    const explicitDir = mkdtempSync(join(tmpdir(), 'mtrl-repro-explicit-'));
    const base = ['reproduce', '--size', 'tiny', '--out', explicitDir, '--jobs', '1', '--quiet'];
    expect(await main(base)).toBe(0);
    expect(await main([...base, '--sampler', 'projected'])).toBe(2);
    expect(io.err()).toMatch(/size\.sampler \(absent\) there, "projected" here/);
    // And the other way round: the projected journal is refused by an explicit run.
    expect(
      await main(['reproduce', '--size', 'tiny', '--out', dir, '--jobs', '1', '--quiet']),
    ).toBe(2);
    expect(io.err()).toMatch(/size\.sampler "projected" there, \(absent\) here/);
  });

  it('refuses a bad --jobs, naming the option', async () => {
    const io = capture();
    for (const bad of ['0', '1.5', 'many']) {
      const code = await main(['reproduce', '--size', 'tiny', '--jobs', bad, '--quiet']);
      expect(code).not.toBe(0);
    }
    expect(io.err()).toMatch(/--jobs must be an integer >= 1 or auto, got "many"/);
  });

  it('runs a study config and prints JSON with energy, coverage and accuracies per method', async () => {
    const io = capture();
    const code = await main(['run', join(configs, 'tiny.yaml'), '--json', '--quiet']);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.summary.map((s: { method: string }) => s.method)).toEqual([
      'multiTask',
      'randomFeatures',
      'singleTask',
      'oracle',
    ]);
    for (const s of doc.summary) {
      expect(s.energy.mean).toBeGreaterThan(0);
      expect(s.coverage.mean).toBeGreaterThanOrEqual(0);
      expect(s.downstream.halfspace.mean).toBeGreaterThan(0.5);
    }
    expect(doc.meta.node).toBe(process.version);
  });

  it('refuses a bad config with every bad field named and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-bad-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'groundTruth: { d: 8, r: 9 }\npretrain: { T: 0, m: 4, n1: 8, n2: 8, eta: 1 }\nmethods: [multiTask, magic]\nextra: 1\n',
    );
    const io = capture();
    expect(await main(['run', path])).toBe(2);
    expect(io.err()).toMatch(/pretrain\.T/);
    expect(io.err()).toMatch(/unknown key\(s\) "extra"/);
    const fixed = join(dir, 'fixed.yaml');
    writeFileSync(
      fixed,
      'groundTruth: { d: 8, r: 9 }\npretrain: { T: 1, m: 4, n1: 8, n2: 8, eta: 1 }\nmethods: [multiTask, magic]\n',
    );
    expect(await main(['run', fixed])).toBe(2);
    expect(io.err()).toMatch(/groundTruth\.r: must be <= groundTruth\.d/);
    expect(io.err()).toMatch(/unknown method "magic"/);
  });

  it('resumes an interrupted sweep and ends with the same records as an uninterrupted one', async () => {
    const full = mkdtempSync(join(tmpdir(), 'mtrl-sweep-full-'));
    const part = mkdtempSync(join(tmpdir(), 'mtrl-sweep-part-'));
    capture();
    const args = (out: string, grid: string) => [
      'sweep',
      join(configs, 'tiny.yaml'),
      '--grid',
      grid,
      '--grid',
      'seeds=1',
      '--out',
      out,
      '--quiet',
    ];
    expect(await main(args(full, 'pretrain.T=1,4,8'))).toBe(0);
    // A first run over part of the grid stands for an interrupted sweep; the rerun completes it.
    expect(await main(args(part, 'pretrain.T=4'))).toBe(0);
    writeFileSync(
      join(part, 'results.jsonl'),
      `${readFileSync(join(part, 'results.jsonl'), 'utf8')}{"torn": `,
    );
    expect(await main(args(part, 'pretrain.T=1,4,8'))).toBe(0);
    const strip = (r: { id: string; result: { runs: unknown[] } }) => [
      r.id,
      r.result.runs.map((x) => ({ ...(x as object), seconds: 0 })),
    ];
    const a = readSweepRecords<{ runs: unknown[] }>(full).map(strip).sort();
    const b = readSweepRecords<{ runs: unknown[] }>(part).map(strip).sort();
    expect(b).toEqual(a);
    expect(a).toHaveLength(3);
  });

  it('measures speed at tiny sizes and prints JSON', async () => {
    const io = capture();
    expect(
      await main([
        'perf',
        '--gemm',
        'tiny',
        '--rounds',
        'tiny',
        '--repeats',
        '1',
        '--json',
        '--quiet',
      ]),
    ).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.backends[0].gemm).toHaveLength(6);
    // Vitest may allow code generation or not; the report names whichever path ran.
    expect(['loops', 'ndarray-ops']).toContain(doc.elementwisePath);
    expect(doc.backends[0].gemm[0].gflops.median).toBeGreaterThan(0);
    expect(doc.backends[0].rounds[0].seconds.median).toBeGreaterThan(0);
  });
});

describe('mtrl-bench perf flag errors', () => {
  it.each([
    [['--rounds', 'bogus'], /--rounds: unknown size "bogus"/],
    [['--threads', '0'], /--threads/],
    [['--dtypes', 'int8'], /--dtypes/],
    [['--peer-script', 'x.py'], /--peer-script only makes sense with --peer numpy/],
  ])('perf %j exits 2 and says what is wrong, before any timing', async (flags, message) => {
    const io = capture();
    expect(await main(['perf', '--gemm', 'none', ...flags])).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.out()).toBe('');
  });
});

describe('mtrl-bench --version', () => {
  it('prints the bench and package versions and exits 0', async () => {
    const io = capture();
    expect(await main(['--version'])).toBe(0);
    expect(io.out()).toMatch(/^mtrl-bench \d+\.\d+\.\d+\S*\n@mtrl\/tensors \d+\.\d+\.\d+/);
    expect(io.out().trim().split('\n')).toHaveLength(8);
  });
});
