import { copy, type DType, key, normal, rademacher, setBackend, split, zeros } from '@mtrl/tensors';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addLayerGrads,
  hidden,
  initLayer,
  LOSSES,
  type LossName,
  layerGradWorkspace,
  preactivations,
} from './index.js';

const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

function problem(seed: number, dtype: DType) {
  const [k0, k1, k2, k3, k4] = split(key(seed), 5);
  const [n, d, m] = [5 + (seed % 7) * 3, 3 + (seed % 5) * 4, 2 + (seed % 4) * 5];
  void k0;
  const layer = initLayer(k1, { d, m, bias: { kind: 'normal', std: 0.3 }, dtype });
  const a = normal(k2, [m] as const, { dtype });
  const x = normal(k3, [n, d] as const, { dtype });
  const y = rademacher(k4, [n] as const, { dtype });
  return { n, d, m, layer, a, x, y };
}

describe('workspace variants', () => {
  afterEach(() => setBackend('js'));

  it('hidden and preactivations into out equal the allocating calls bit for bit', () => {
    for (const backend of ['js', 'wasm']) {
      setBackend(backend);
      for (const dtype of ['float64', 'float32'] as const) {
        for (let seed = 0; seed < 4; seed++) {
          const { n, m, layer, x } = problem(seed, dtype);
          const out = normal(key(99), [n, m] as const, { dtype });
          expect(hidden(layer, x, out)).toBe(out);
          expect(Array.from(out.data)).toEqual(Array.from(hidden(layer, x).data));
          preactivations(layer, x, out);
          expect(Array.from(out.data)).toEqual(Array.from(preactivations(layer, x).data));
        }
      }
    }
  });

  it('addLayerGrads with a reused workspace equals it without, bit for bit', () => {
    for (const backend of ['js', 'wasm']) {
      setBackend(backend);
      for (const dtype of ['float64', 'float32'] as const) {
        for (let seed = 0; seed < 4; seed++) {
          const { n, d, m, layer, a, x, y } = problem(seed, dtype);
          const ws = layerGradWorkspace(n, m, dtype);
          for (const loss of LOSS_NAMES) {
            const init = {
              w: normal(key(5), [m, d] as const, { dtype }),
              b: normal(key(6), [m] as const, { dtype }),
            };
            const want = { w: copy(init.w), b: copy(init.b) };
            const got = { w: copy(init.w), b: copy(init.b) };
            const l1 = addLayerGrads(layer, a, { x, y }, loss, want, 0.7);
            const l2 = addLayerGrads(layer, a, { x, y }, loss, got, 0.7, ws);
            expect(l2).toBe(l1);
            expect(Array.from(got.w.data)).toEqual(Array.from(want.w.data));
            expect(Array.from(got.b.data)).toEqual(Array.from(want.b.data));
          }
        }
      }
    }
  });

  it('names the bad workspace or out buffer', () => {
    const { n, d, m, layer, a, x, y } = problem(1, 'float64');
    const acc = { w: zeros([m, d] as const) };
    expect(() =>
      addLayerGrads(layer, a, { x, y }, 'logistic', acc, 1, layerGradWorkspace(n + 1, m)),
    ).toThrow(/workspace\.h/);
    expect(() =>
      addLayerGrads(layer, a, { x, y }, 'logistic', acc, 1, layerGradWorkspace(n, m, 'float32')),
    ).toThrow(RangeError);
    expect(() => hidden(layer, x, zeros([n, m + 1] as const))).toThrow(/out/);
    expect(() => layerGradWorkspace(-1, m)).toThrow(/n must be/);
  });
});
