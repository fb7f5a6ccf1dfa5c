import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadStudy, parseStudy } from './config.js';
import { gridPoints, parseGridAxis, pointId, setPath } from './overrides.js';

const minimal = { groundTruth: { d: 16, r: 2 }, pretrain: { T: 4, m: 8, n1: 32, n2: 32, eta: 10 } };

describe('study config', () => {
  it('fills defaults for a minimal config', () => {
    const c = parseStudy(minimal);
    expect(c.pretrain.alpha).toBe(1);
    expect(c.pretrain.loss).toBe('correlation');
    expect(c.inputs).toEqual({ kind: 'gaussian' });
    expect(c.downstream.tasks.map((t) => t.name)).toEqual(['halfspace', 'xor']);
    expect(c.methods).toEqual(['multiTask', 'randomFeatures']);
  });

  it('names every bad field, with what was expected, in one error', () => {
    const bad = {
      groundTruth: { d: 8, r: 0, extra: true },
      pretrain: { T: -1, m: 8, n1: 1.5, n2: 32, eta: 'big', loss: 'l1' },
      inputs: { kind: 'poisson' },
      typo: 1,
    };
    let err: ConfigError | undefined;
    try {
      parseStudy(bad, 'bad.yaml');
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = err!.message;
    for (const s of [
      'bad.yaml',
      'groundTruth.r',
      'groundTruth: unknown key(s) "extra"',
      'pretrain.T',
      'pretrain.n1',
      'pretrain.eta',
      'pretrain.loss',
      'inputs.kind',
      '(root): unknown key(s) "typo"',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('refuses r > d', () => {
    expect(() => parseStudy({ ...minimal, groundTruth: { d: 2, r: 3 } })).toThrow(
      /groundTruth.r: must be <= groundTruth.d/,
    );
  });

  it('loads YAML and JSON files and reports syntax errors with the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-config-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      'groundTruth: { d: 16, r: 2 }\npretrain: { T: 4, m: 8, n1: 32, n2: 32, eta: 10 }\n',
    );
    writeFileSync(join(dir, 'b.json'), JSON.stringify(minimal));
    writeFileSync(join(dir, 'c.yaml'), 'groundTruth: [unclosed\n');
    expect(loadStudy(join(dir, 'a.yaml')).groundTruth.d).toBe(16);
    expect(loadStudy(join(dir, 'b.json')).pretrain.T).toBe(4);
    expect(() => loadStudy(join(dir, 'c.yaml'))).toThrow(/c\.yaml.*not valid YAML/s);
    expect(() => loadStudy(join(dir, 'missing.yaml'))).toThrow(/cannot read the file/);
  });
});

describe('grid overrides', () => {
  it('parses axes with JSON values and brackets', () => {
    expect(parseGridAxis('pretrain.T=1,4,16')).toEqual({ path: 'pretrain.T', values: [1, 4, 16] });
    expect(
      parseGridAxis('family={"kind":"xor","subset":[0,1]},{"kind":"halfspace"}').values,
    ).toHaveLength(2);
    expect(parseGridAxis('inputs.kind=gaussian,sphere').values).toEqual(['gaussian', 'sphere']);
    expect(() => parseGridAxis('pretrain.T')).toThrow(/key=v1,v2/);
    expect(() => parseGridAxis('pretrain.T=1,,2')).toThrow(/empty value/);
  });

  it('builds the cartesian product in a stable order with stable ids', () => {
    const pts = gridPoints([parseGridAxis('seeds=1,2'), parseGridAxis('name=x,y,z')]);
    expect(pts).toHaveLength(6);
    expect(pts[0]).toEqual({ seeds: 1, name: 'x' });
    expect(pointId({ name: 'x', seeds: 1 })).toBe(pointId({ seeds: 1, name: 'x' }));
  });

  it('sets dotted paths without touching the original', () => {
    const base = { pretrain: { T: 1 } };
    expect(setPath(base, 'pretrain.T', 5)).toEqual({ pretrain: { T: 5 } });
    expect(base.pretrain.T).toBe(1);
    expect(setPath({}, 'x.y.z', true)).toEqual({ x: { y: { z: true } } });
  });
});
