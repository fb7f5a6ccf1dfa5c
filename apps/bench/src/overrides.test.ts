import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { checkOverrides, overrideStudy, parseGridAxis, parseSetOverride } from './overrides.js';
import { UsageError } from './usageError.js';

const RAW = {
  name: 'o',
  groundTruth: { d: 16, r: 2 },
  pretrain: { T: 4, m: 16, n1: 64, n2: 64, eta: 1000 },
};

describe('--set overrides', () => {
  it('parses values as --grid does: JSON, YAML flow collections, else strings', () => {
    expect(parseSetOverride('pretrain.T=64')).toEqual({
      path: 'pretrain.T',
      value: 64,
      flag: '--set pretrain.T=64',
    });
    expect(parseSetOverride('pretrain.eta=1e-3').value).toBe(0.001);
    expect(parseSetOverride('pretrain.centerLabels=true').value).toBe(true);
    expect(parseSetOverride('name=my study').value).toBe('my study');
    expect(parseSetOverride('methods=[multiTask, oracle]').value).toEqual(['multiTask', 'oracle']);
    expect(parseSetOverride('family={kind: xor, subset: [0, 1]}').value).toEqual({
      kind: 'xor',
      subset: [0, 1],
    });
    // --grid values take the same route.
    expect(parseGridAxis('methods=[multiTask, oracle],[oracle]').values).toEqual([
      ['multiTask', 'oracle'],
      ['oracle'],
    ]);
  });

  it('refuses unknown paths, missing values and a field set twice, naming the path', () => {
    expect(() => parseSetOverride('pretrain.TT=4')).toThrow(
      /--set pretrain\.TT: "TT" is not a field of pretrain \(known: .*T/,
    );
    expect(() => parseSetOverride('pretrain.T')).toThrow(UsageError);
    expect(() => parseSetOverride('pretrain.T=')).toThrow(/--set pretrain\.T: empty value/);
    expect(() => parseSetOverride('__proto__.x=1')).toThrow(/not a config field/);
    const a = parseSetOverride('pretrain={T: 4}');
    const b = parseSetOverride('pretrain.T=8');
    expect(() => checkOverrides([a, b])).toThrow(/--set pretrain=\{T: 4\} and --set pretrain\.T=8/);
    expect(() => checkOverrides([b], [parseGridAxis('pretrain.T=1,2')])).toThrow(
      /--set pretrain\.T=8 and --grid pretrain\.T both set pretrain\.T/,
    );
  });

  it('validates the overridden config, naming the bad field and the flag', () => {
    const cfg = overrideStudy(RAW, 'c.json', [
      parseSetOverride('pretrain.T=64'),
      parseSetOverride('downstream.nTrain=100'),
      { path: 'seed', value: 3, flag: '--seed 3' },
    ]);
    expect(cfg.pretrain.T).toBe(64);
    expect(cfg.downstream.nTrain).toBe(100);
    expect(cfg.downstream.nTest).toBe(2000);
    expect(cfg.seed).toBe(3);
    let err: unknown;
    try {
      overrideStudy(RAW, 'c.json', [parseSetOverride('pretrain.T=many')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/invalid config c\.json with --set pretrain\.T=many/);
    expect((err as ConfigError).issues).toEqual([expect.stringMatching(/^pretrain\.T: .*number/)]);
  });
});
