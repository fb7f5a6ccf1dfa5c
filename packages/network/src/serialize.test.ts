import { readFileSync } from 'node:fs';
import { key, normal, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { initLayer, loadNetwork, saveNetwork, VERSION } from './index.js';

describe('saveNetwork / loadNetwork', () => {
  it('round-trips parameters, heads, config and seed through JSON', () => {
    const layer = initLayer(key(1), {
      d: 6,
      m: 3,
      bias: { kind: 'normal', std: 1 },
      dtype: 'float32',
    });
    const heads = normal(key(2), [2, 3] as const, { dtype: 'float32' });
    const doc = JSON.stringify(saveNetwork({ layer, heads, config: { T: 2 }, seed: 7 }));
    const back = loadNetwork(doc);
    expect(back.layer.w.dtype).toBe('float32');
    expect(toArray(back.layer.w)).toEqual(toArray(layer.w));
    expect(toArray(back.layer.b)).toEqual(toArray(layer.b));
    expect(toArray(back.heads!)).toEqual(toArray(heads));
    expect(back.config).toEqual({ T: 2 });
    expect(back.seed).toBe(7);
  });

  it('refuses other formats, unknown versions and wrong shapes', () => {
    const doc = saveNetwork({ layer: initLayer(key(1), { d: 2, m: 2 }) });
    expect(() => loadNetwork({ ...doc, format: 'other' })).toThrow(/format must be "mtrl-network"/);
    expect(() => loadNetwork({ ...doc, formatVersion: 99 })).toThrow(/unknown formatVersion 99/);
    expect(() => loadNetwork({ ...doc, shape: { m: 3, d: 2, tasks: 0 } })).toThrow(
      /params.w must be a 3 x 2 array/,
    );
    expect(() => loadNetwork({ ...doc, dtype: 'int8' })).toThrow(/dtype/);
    expect(() => loadNetwork(null)).toThrow(/expected a JSON object/);
  });

  it('records the package version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(saveNetwork({ layer: initLayer(key(0), { d: 1, m: 1 }) }).packageVersion).toBe(
      pkg.version,
    );
  });
});
