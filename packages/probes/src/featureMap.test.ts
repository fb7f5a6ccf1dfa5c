import { initLayer } from '@mtrl/network';
import { fromArray, key, normal, rowNorms, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { featureMap, layerFeatures } from './index.js';

describe('featureMap', () => {
  const [kl, kb, kx] = split(key(51), 3);
  const layer = initLayer(kl, { d: 16, m: 8, bias: { kind: 'normal', std: 3 } });

  it('applies relu(W x + b) with unit rows and fresh N(0, 0.5^2) biases by default', () => {
    const phi = featureMap(kb, layer);
    expect([phi.d, phi.m]).toEqual([16, 8]);
    for (const v of toArray(rowNorms(phi.layer.w))) expect(v).toBeCloseTo(1, 14);
    // Fresh biases, not the layer's, from the key: the same key gives the same biases.
    expect(toArray(phi.layer.b)).not.toEqual(toArray(layer.b));
    expect(toArray(featureMap(kb, layer).layer.b)).toEqual(toArray(phi.layer.b));
    const b = toArray(phi.layer.b);
    expect(Math.max(...b.map(Math.abs))).toBeLessThan(2.5); // 5 sd of 0.5
    // Independent evaluation of one feature.
    const x = normal(kx, [5, 16]);
    const h = phi(x);
    expect(h.shape).toEqual([5, 8]);
    const w = toArray(phi.layer.w);
    const xs = toArray(x);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 8; j++) {
        const z = w[j].reduce((acc, v, k) => acc + v * xs[i][k], b[j]);
        expect(h.data[i * 8 + j]).toBeCloseTo(Math.max(0, z), 12);
      }
    }
  });

  it('keeps the layer biases or the raw rows on request, and accepts float32 input', () => {
    const keep = featureMap(kb, layer, { bias: 'layer', normalizeRows: false });
    expect(toArray(keep.layer.b)).toEqual(toArray(layer.b));
    expect(toArray(keep.layer.w)).toEqual(toArray(layer.w));
    const raw = layerFeatures(layer);
    const x = normal(kx, [3, 16]);
    expect(toArray(raw(x))).toEqual(toArray(keep(x)));
    const x32 = normal(kx, [3, 16], { dtype: 'float32' });
    expect(raw(x32).dtype).toBe('float64');
    const zero = featureMap(kb, layer, { bias: { kind: 'zero' } });
    expect(toArray(zero.layer.b)).toEqual(new Array(8).fill(0));
    const uni = featureMap(kb, layer, { bias: { kind: 'uniform', low: -1, high: 1 } });
    for (const v of toArray(uni.layer.b)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('refuses bad input, naming the function', () => {
    const phi = featureMap(kb, layer);
    expect(() => phi(fromArray([[1, 2]]))).toThrow(
      /featureMap: x has shape \[1, 2\], expected \[\*, 16\]/,
    );
    expect(() => featureMap([1, 2] as never, layer)).toThrow(/featureMap: key must be a Key/);
    expect(() => featureMap(kb, { w: layer.w } as never)).toThrow(/featureMap: layer.b/);
    expect(() => featureMap(kb, layer, { bias: { kind: 'normal', std: -1 } })).toThrow(
      /featureMap: opts.bias.std must be a finite number >= 0/,
    );
    expect(() => featureMap(kb, layer, { bias: { kind: 'laplace' } as never })).toThrow(
      /featureMap: opts.bias must be 'layer' or/,
    );
    expect(() => layerFeatures(null as never)).toThrow(/layerFeatures: layer must be/);
  });
});
