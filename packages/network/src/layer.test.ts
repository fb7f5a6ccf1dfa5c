import { get, key, mean, rowNorms, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { forward, hidden, initLayer, preactivations } from './index.js';

describe('initLayer', () => {
  it('draws gaussian rows with E|w_j|^2 = 1 and zero biases by default', () => {
    const layer = initLayer(key(1), { d: 256, m: 200 });
    const norms = rowNorms(layer.w);
    let s = 0;
    for (const v of norms.data) s += v * v;
    expect(s / 200).toBeGreaterThan(0.95);
    expect(s / 200).toBeLessThan(1.05);
    expect(Math.abs(mean(layer.w))).toBeLessThan(0.005);
    expect(toArray(layer.b).every((v) => v === 0)).toBe(true);
  });

  it('draws unit rows for the sphere scheme and biases from the requested law', () => {
    const layer = initLayer(key(2), {
      d: 10,
      m: 500,
      weights: 'sphere',
      bias: { kind: 'normal', std: 2 },
    });
    for (const v of rowNorms(layer.w).data) expect(v).toBeCloseTo(1, 12);
    let s2 = 0;
    for (const v of layer.b.data) s2 += v * v;
    expect(Math.sqrt(s2 / 500)).toBeGreaterThan(1.8);
    expect(Math.sqrt(s2 / 500)).toBeLessThan(2.2);
    const u = initLayer(key(3), { d: 4, m: 100, bias: { kind: 'uniform', low: -1, high: 0 } });
    expect(u.b.data.every((v) => v >= -1 && v < 0)).toBe(true);
  });

  it('is reproducible from its key and honours dtype', () => {
    const a = initLayer(key(4), { d: 8, m: 3, dtype: 'float32' });
    const b = initLayer(key(4), { d: 8, m: 3, dtype: 'float32' });
    expect(a.w.dtype).toBe('float32');
    expect(toArray(a.w)).toEqual(toArray(b.w));
  });

  it('refuses bad sizes and schemes', () => {
    expect(() => initLayer(key(0), { d: -1, m: 3 })).toThrow(
      /initLayer: d must be an integer >= 1, got -1/,
    );
    expect(() => initLayer(key(0), { d: 3, m: 2.5 })).toThrow(/initLayer: m must be/);
    expect(() => initLayer(key(0), { d: 3, m: 2, weights: 'x' as 'sphere' })).toThrow(
      /weights must be/,
    );
    expect(() => initLayer(key(0), { d: 3, m: 2, bias: { kind: 'normal', std: -1 } })).toThrow(
      /bias.std/,
    );
    expect(() => initLayer(key(0), { d: 3, m: 2, bias: { kind: 'weird' } as never })).toThrow(
      /bias.kind/,
    );
  });
});

describe('forward', () => {
  it('computes relu(W x + b) and H a against a naive loop', () => {
    const layer = initLayer(key(5), { d: 3, m: 4, bias: { kind: 'normal', std: 1 } });
    const x = initLayer(key(6), { d: 3, m: 5 }).w; // any [5, 3] matrix
    const a = initLayer(key(7), { d: 4, m: 1 }).w;
    const head = {
      dtype: a.dtype,
      shape: [4] as const,
      stride: [1] as const,
      offset: 0,
      data: a.data,
    };
    const z = preactivations(layer, x);
    const h = hidden(layer, x);
    const f = forward(layer, head, x);
    for (let i = 0; i < 5; i++) {
      let fi = 0;
      for (let j = 0; j < 4; j++) {
        let zij = get(layer.b, j);
        for (let k = 0; k < 3; k++) zij += get(layer.w, j, k) * get(x, i, k);
        expect(get(z, i, j)).toBeCloseTo(zij, 12);
        expect(get(h, i, j)).toBeCloseTo(Math.max(0, zij), 12);
        fi += head.data[j] * Math.max(0, zij);
      }
      expect(get(f, i)).toBeCloseTo(fi, 12);
    }
  });
});
