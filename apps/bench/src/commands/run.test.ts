import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../../test/capture.js';
import { interrupted } from '../../test/interrupt.js';
import { main } from '../cli.js';

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

function config(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mtrl-run-')), 'c.json');
  writeFileSync(path, JSON.stringify(BASE));
  return path;
}

describe('mtrl-bench run overrides', () => {
  it('--set and --seed change the config without editing it', async () => {
    const io = capture();
    const code = await main([
      'run',
      config(),
      '--set',
      'pretrain.T=6',
      '--set',
      'downstream.nTrain=40',
      '--seed',
      '3',
      '--seeds',
      '2',
      '--json',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.config.pretrain.T).toBe(6);
    expect(doc.config.downstream.nTrain).toBe(40);
    expect(doc.config.downstream.nTest).toBe(100);
    expect(doc.seeds).toEqual([3, 4]);
    expect(doc.runs.map((r: { seed: number }) => r.seed)).toEqual([3, 3, 4, 4]);
  });

  it.each([
    [['--set', 'pretrain.TT=6'], /--set pretrain\.TT: "TT" is not a field of pretrain/, 2],
    [['--set', 'pretrain.T=six'], /with --set pretrain\.T=six:\n\s+- pretrain\.T: .*number/, 2],
    [['--set', 'pretrain.T'], /--set expects path=value, got "pretrain\.T"/, 2],
    [['--set', 'seed=1', '--seed', '2'], /--set seed=1 and --seed 2 both set seed/, 2],
    // Flag values commander parses exit as its other flag errors do.
    [['--seed', '1.5'], /--seed must be an integer >= 0, got "1\.5"/, 1],
  ])('%j is refused before any work, naming the path', async (flags, message, exit) => {
    const io = capture();
    const code = await main(['run', config(), ...flags, '--quiet']);
    expect(code).toBe(exit);
    expect(io.err()).toMatch(message);
    expect(io.out()).toBe('');
  });

  it('an interrupted run says what it kept and that rerunning starts over', async () => {
    const io = capture();
    expect(await interrupted(['run', config(), '--quiet'])).toBe(130);
    expect(io.err()).toMatch(/rerunning starts over/);
    expect(io.err()).toMatch(
      /interrupted: the results above hold [01] of 2 method run\(s\); `run` keeps no journal, so rerunning the same command starts the study over \(`mtrl-bench sweep` records each finished point and a rerun resumes from them\)/,
    );
  });
});
