import { readFileSync } from 'node:fs';
import { fromArray, key, normal, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { initLayer, loadNetwork, saveNetwork, VERSION } from './index.js';

describe('saveNetwork / loadNetwork with activations', () => {
  it('keeps a non-ReLU activation (format version 3) and writes ReLU layers as before', () => {
    for (const activation of [{ kind: 'leaky-relu', slope: 0.05 } as const, 'gelu' as const]) {
      const layer = initLayer(key(1), { d: 3, m: 2, activation });
      const doc = saveNetwork({ layer });
      expect(doc.formatVersion).toBe(3);
      expect(doc.activation).toEqual(activation);
      const back = loadNetwork(JSON.stringify(doc));
      expect(back.layer.activation).toEqual(activation);
      expect(toArray(back.layer.w)).toEqual(toArray(layer.w));
    }
    const plain = initLayer(key(1), { d: 3, m: 2 });
    const relu = saveNetwork({ layer: { ...plain, activation: 'relu' } });
    expect(relu).toEqual(saveNetwork({ layer: plain }));
    expect(relu.formatVersion).toBe(1);
    expect('activation' in relu).toBe(false);
    expect('activation' in loadNetwork(relu).layer).toBe(false);
  });

  it('refuses an activation in older versions and a malformed one in version 3', () => {
    const doc = saveNetwork({ layer: initLayer(key(1), { d: 2, m: 2, activation: 'gelu' }) });
    expect(() => loadNetwork({ ...doc, formatVersion: 2 })).toThrow(
      /the document has unknown field\(s\) "activation"/,
    );
    expect(() => loadNetwork({ ...doc, activation: 'swish' })).toThrow(
      /loadNetwork: activation must be one of "relu", "gelu", got "swish"/,
    );
    expect(() =>
      saveNetwork({ layer: { ...initLayer(key(1), { d: 2, m: 2 }), activation: 'tanh' as never } }),
    ).toThrow(/saveNetwork: layer.activation/);
  });
});

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

  it('round-trips NaN, the infinities and -0 bit for bit in both dtypes', () => {
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5];
    for (const dtype of ['float32', 'float64'] as const) {
      const w = fromArray([special, [...special].reverse()], { dtype });
      const b = fromArray([Number.NaN, -0], { dtype });
      const heads = fromArray([[Number.POSITIVE_INFINITY, 2]], { dtype });
      const doc = saveNetwork({ layer: { w, b }, heads, seed: 3 });
      expect(doc.formatVersion).toBe(2);
      expect(doc.params.w[0]).toEqual(['NaN', 'Infinity', '-Infinity', '-0', 0, 1.5]);
      const back = loadNetwork(JSON.stringify(doc));
      const same = (a: number[], e: number[]) => a.every((v, i) => Object.is(v, e[i]));
      expect(same((toArray(back.layer.w) as number[][])[0], special)).toBe(true);
      expect(same((toArray(back.layer.w) as number[][])[1], [...special].reverse())).toBe(true);
      expect(same(toArray(back.layer.b) as number[], [Number.NaN, -0])).toBe(true);
      expect(toArray(back.heads!)).toEqual([[Number.POSITIVE_INFINITY, 2]]);
      expect(back.layer.w.dtype).toBe(dtype);
    }
    // Without special values the document is version 1, as @mtrl/network 0.1.0 wrote it.
    expect(saveNetwork({ layer: initLayer(key(1), { d: 2, m: 2 }) }).formatVersion).toBe(1);
  });

  it('refuses missing and ill-typed fields by name', () => {
    const layer = initLayer(key(1), { d: 2, m: 2 });
    const heads = normal(key(2), [1, 2] as const);
    const doc = saveNetwork({ layer, heads, seed: 1 });
    const { tasks: _t, ...noTasks } = doc.shape;
    const cases: [unknown, RegExp][] = [
      [{ ...doc, shape: noTasks }, /shape\.tasks must be an integer >= 0, got nothing/],
      [
        { ...doc, shape: { ...doc.shape, m: Number.POSITIVE_INFINITY } },
        /shape\.m must be an integer >= 1, got Infinity/,
      ],
      [{ ...doc, seed: 'abc' }, /seed must be a safe integer, got "abc"/],
      [{ ...doc, seed: 1.5 }, /seed must be a safe integer, got 1\.5/],
      [
        JSON.stringify(doc).replace(/"w":\[\[[^,\]]+/, '"w":[[1e999'),
        /params\.w\[0\]\[0\] must be a finite number, got Infinity/,
      ],
      [
        { ...doc, params: { ...doc.params, b: [1, null] } },
        /params\.b\[1\] must be a finite number, got null \(a NaN or infinity that @mtrl\/network 0\.1\.0 wrote as null/,
      ],
      [
        { ...doc, params: { ...doc.params, b: [1, 'NaN'] } },
        /params\.b\[1\] must be a finite number, got "NaN"/,
      ],
      [
        { ...doc, formatVersion: 2, params: { ...doc.params, b: [1, 'nan'] } },
        /params\.b\[1\] must be a finite number or "NaN"/,
      ],
      [
        { ...doc, dtype: 'float32', params: { ...doc.params, b: [1, 1e39] } },
        /params\.b\[1\] is 1e\+39, beyond the float32 range/,
      ],
      [
        { ...doc, params: { w: doc.params.w, b: doc.params.b } },
        /params\.heads must be a 1 x 2 array/,
      ],
      [
        { ...doc, shape: { ...doc.shape, tasks: 0 } },
        /params\.heads is present but shape\.tasks is 0/,
      ],
      [{ ...doc, params: { ...doc.params, head: [] } }, /params has unknown field\(s\) "head"/],
      [{ ...doc, extra: 1 }, /unknown field\(s\) "extra"/],
      [{ ...doc, packageVersion: 1 }, /packageVersion must be a string/],
      [{ ...doc, shape: undefined }, /shape must be \{ m, d, tasks \}, got nothing/],
      ['{"format": ', /not valid JSON/],
    ];
    for (const [bad, message] of cases)
      expect(() => loadNetwork(bad), String(message)).toThrow(message);
    expect(() => saveNetwork({ layer, seed: 'abc' as unknown as number })).toThrow(
      /seed must be a safe integer, got "abc"/,
    );
  });

  it('records the package version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(saveNetwork({ layer: initLayer(key(0), { d: 1, m: 1 }) }).packageVersion).toBe(
      pkg.version,
    );
  });
});
