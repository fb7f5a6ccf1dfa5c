import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHM_NAMES } from '@mtrl/pretrain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../test/capture.js';
import { main } from './cli.js';
import { ALGORITHMS, ConfigError, parseStudy, readConfigFile } from './config.js';
import { pretrainConfigOf } from './setting.js';

const configs = join(import.meta.dirname, '..', 'configs');

afterEach(() => vi.restoreAllMocks());

const base = {
  groundTruth: { d: 16, r: 2 },
  pretrain: { T: 4, m: 8, n1: 32, n2: 32, eta: 1 },
  methods: ['multiTask'],
};
const withAlgorithm = (algorithm: unknown) =>
  parseStudy({ ...base, pretrain: { ...base.pretrain, algorithm } });
const issuesOf = (algorithm: unknown): string[] => {
  try {
    withAlgorithm(algorithm);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  return [];
};

describe('pretrain.algorithm in study configs', () => {
  it('takes a shipped name or pieces and hands them to pretraining', () => {
    expect(ALGORITHMS).toEqual(ALGORITHM_NAMES);
    for (const name of ['paper', 'joint-sgd', 'fomaml', 'anil'])
      expect(pretrainConfigOf(withAlgorithm(name)).algorithm).toBe(name);
    // Absent: the paper's algorithm, and the config reads as before.
    const plain = parseStudy(base);
    expect(plain.pretrain.algorithm).toBeUndefined();
    expect(plain.pretrain.head).toEqual({ mode: 'step', steps: 1 });
    expect('algorithm' in pretrainConfigOf(plain)).toBe(false);
    // Joint SGD has no inner step: its head defaults to fixed.
    expect(withAlgorithm('joint-sgd').pretrain.head).toEqual({ mode: 'fixed' });
    const pieces = { base: 'anil', reduction: { kind: 'weighted', weights: [1, 1, 1, 1] } };
    expect(pretrainConfigOf(withAlgorithm(pieces)).algorithm).toEqual(pieces);
  });

  it('names the bad field and what was expected', () => {
    expect(issuesOf('magic')).toEqual([
      'pretrain.algorithm: expected one of "paper", "joint-sgd", "fomaml", "anil", got "magic"',
    ]);
    expect(issuesOf(3)[0]).toMatch(
      /^pretrain\.algorithm: expected one of "paper", .* or \{ base\?/,
    );
    expect(issuesOf({ base: 'maml' })[0]).toMatch(/^pretrain\.algorithm\.base: expected one of/);
    expect(issuesOf({ bogus: 1 })).toEqual(['pretrain.algorithm: unknown key(s) "bogus"']);
    expect(issuesOf({ layerGradient: 'all' })[0]).toMatch(/^pretrain\.algorithm\.layerGradient: /);
    expect(issuesOf({ headStep: { mode: 'newton' } })[0]).toMatch(
      /^pretrain\.algorithm\.headStep\.mode: expected mode to be one of "step", "fit", "fixed", "maml"/,
    );
    // What only pretraining knows is checked too, before any work: joint SGD has no head step.
    expect(() =>
      parseStudy({
        ...base,
        pretrain: { ...base.pretrain, algorithm: 'joint-sgd', head: { mode: 'step' } },
      }),
    ).toThrow(/pretrain\.head: .*joint-sgd/);
  });

  it('refuses a config with an unknown algorithm before any work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-alg-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'groundTruth: { d: 16, r: 2 }\npretrain: { T: 4, m: 8, n1: 32, n2: 32, eta: 1, algorithm: reptile }\nmethods: [multiTask]\n',
    );
    const io = capture();
    const out = join(dir, 'result.json');
    expect(await main(['run', path, '--out', out])).toBe(2);
    expect(io.err()).toMatch(
      /pretrain\.algorithm: expected one of "paper", "joint-sgd", "fomaml", "anil", got "reptile"/,
    );
    expect(io.out()).toBe('');
    expect(existsSync(out)).toBe(false);
    // A sweep with one bad point runs none of them.
    const sweepDir = join(dir, 'sweep');
    const sweep = [
      'sweep',
      join(configs, 'algorithms.yaml'),
      '--grid',
      'pretrain.algorithm=paper,reptile',
      '--out',
      sweepDir,
      '--quiet',
    ];
    expect(await main(sweep)).toBe(2);
    expect(io.err()).toMatch(/got "reptile"/);
    expect(existsSync(join(sweepDir, 'results.jsonl'))).toBe(false);
  });

  it('ships configs/algorithms.yaml, valid for every algorithm', () => {
    const raw = readConfigFile(join(configs, 'algorithms.yaml')) as {
      pretrain: Record<string, unknown>;
    };
    for (const algorithm of ['paper', 'joint-sgd', 'fomaml', 'anil'])
      expect(() => parseStudy({ ...raw, pretrain: { ...raw.pretrain, algorithm } })).not.toThrow();
  });
});
