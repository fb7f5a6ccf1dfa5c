import {
  copy,
  get,
  key,
  type Matrix,
  normal,
  rademacher,
  split,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  addLayerGrads,
  headLossAndGrad,
  initLayer,
  type Layer,
  LOSSES,
  type LossName,
  lossAndGrads,
} from './index.js';

const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

function setup(seed: number, n = 7, d = 5, m = 4) {
  const [k1, k2, k3, k4] = split(key(seed), 4);
  const layer = initLayer(k1, { d, m, bias: { kind: 'normal', std: 0.3 } });
  const a = normal(k2, [m] as const);
  const x = normal(k3, [n, d] as const);
  const y = rademacher(k4, [n] as const);
  return { layer, a, x, y };
}

function meanLoss(name: LossName, layer: Layer, a: Vector, x: Matrix, y: Vector): number {
  return lossAndGrads(layer, a, { x, y }, name, { head: false, w: false, b: false }).loss;
}

// Central finite difference of the mean loss in one coordinate of a parameter buffer.
function fd(f: () => number, data: Float32Array | Float64Array, i: number, h = 1e-6): number {
  const old = data[i];
  data[i] = old + h;
  const up = f();
  data[i] = old - h;
  const down = f();
  data[i] = old;
  return (up - down) / (2 * h);
}

describe('lossAndGrads', () => {
  for (const name of LOSS_NAMES) {
    it(`matches central finite differences for the ${name} loss (float64)`, () => {
      const { layer, a, x, y } = setup(LOSS_NAMES.indexOf(name) + 1);
      const w = copy(layer.w);
      const b = copy(layer.b);
      const head = copy(a);
      const net = { w, b };
      const grads = lossAndGrads(net, head, { x, y }, name);
      const f = () => meanLoss(name, net, head, x, y);
      for (let i = 0; i < w.data.length; i++)
        expect(grads.w!.data[i]).toBeCloseTo(fd(f, w.data, i), 6);
      for (let i = 0; i < b.data.length; i++)
        expect(grads.b!.data[i]).toBeCloseTo(fd(f, b.data, i), 6);
      for (let i = 0; i < head.data.length; i++)
        expect(grads.head!.data[i]).toBeCloseTo(fd(f, head.data, i), 6);
    });
  }

  it('gives the one-step zero-head identity a = (alpha / n) sum_i y_i relu(W x_i + b) for the correlation loss', () => {
    const { layer, x, y } = setup(11, 50, 6, 8);
    const alpha = 0.7;
    const zero = zeros([8] as const);
    const { head } = lossAndGrads(layer, zero, { x, y }, 'correlation', { w: false, b: false });
    for (let j = 0; j < 8; j++) {
      let expected = 0;
      for (let i = 0; i < 50; i++) {
        let z = get(layer.b, j);
        for (let k = 0; k < 6; k++) z += get(layer.w, j, k) * get(x, i, k);
        expected += get(y, i) * Math.max(0, z);
      }
      expected *= alpha / 50;
      expect(-alpha * head!.data[j]).toBeCloseTo(expected, 12);
    }
  });

  it('agrees with headLossAndGrad on precomputed features', () => {
    const { layer, a, x, y } = setup(3);
    const full = lossAndGrads(layer, a, { x, y }, 'logistic', { w: false, b: false });
    const h = zeros([7, 4] as const);
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 4; j++) {
        let z = get(layer.b, j);
        for (let k = 0; k < 5; k++) z += get(layer.w, j, k) * get(x, i, k);
        h.data[i * 4 + j] = Math.max(0, z);
      }
    const viaH = headLossAndGrad(h, a, y, 'logistic');
    expect(viaH.loss).toBeCloseTo(full.loss, 12);
    for (let j = 0; j < 4; j++) expect(viaH.grad.data[j]).toBeCloseTo(full.head!.data[j], 12);
  });

  it('computes float32 gradients close to float64 ones', () => {
    const { layer, a, x, y } = setup(5);
    const g64 = lossAndGrads(layer, a, { x, y }, 'logistic');
    const l32 = { w: copy(layer.w, 'float32'), b: copy(layer.b, 'float32') };
    const g32 = lossAndGrads(
      l32,
      copy(a, 'float32'),
      { x: copy(x, 'float32'), y: copy(y, 'float32') },
      'logistic',
    );
    for (let i = 0; i < g64.w!.data.length; i++)
      expect(g32.w!.data[i]).toBeCloseTo(g64.w!.data[i], 5);
  });

  it('refuses mismatched shapes, dtypes and unknown losses with named arguments', () => {
    const { layer, a, x, y } = setup(9);
    expect(() => lossAndGrads(layer, zeros([3] as const), { x, y }, 'logistic')).toThrow(
      /lossAndGrads: a has shape \[3\], expected \[4\]/,
    );
    expect(() => lossAndGrads(layer, a, { x: zeros([7, 6] as const), y }, 'logistic')).toThrow(
      /batch\.x has shape \[7, 6\], expected \[\*, 5\]/,
    );
    expect(() => lossAndGrads(layer, a, { x, y: zeros([6] as const) }, 'logistic')).toThrow(
      /batch\.y/,
    );
    expect(() => lossAndGrads(layer, a, { x: copy(x, 'float32'), y }, 'logistic')).toThrow(
      /dtype mismatch/,
    );
    expect(() => lossAndGrads(layer, a, { x, y }, 'nope' as LossName)).toThrow(
      /loss must be one of/,
    );
  });
});

describe('losses', () => {
  it('evaluates the logistic loss stably at large margins', () => {
    const l = LOSSES.logistic;
    expect(l.value(1, 1000)).toBe(0);
    expect(l.value(1, -1000)).toBeCloseTo(1000, 9);
    expect(l.derivative(1, -1000)).toBeCloseTo(-1, 12);
    expect(l.derivative(-1, -1000)).toBeCloseTo(0, 12);
    expect(l.value(1, 0)).toBeCloseTo(Math.LN2, 15);
  });

  it('matches closed forms for hinge, square and correlation', () => {
    expect(LOSSES.hinge.value(1, 0.25)).toBe(0.75);
    expect(LOSSES.hinge.derivative(-1, 0.25)).toBe(1);
    expect(LOSSES.hinge.derivative(1, 2)).toBe(0);
    expect(LOSSES.square.value(1, 3)).toBe(2);
    expect(LOSSES.square.derivative(1, 3)).toBe(2);
    expect(LOSSES.correlation.value(-1, 2)).toBe(2);
    expect(LOSSES.correlation.derivative(-1, 2)).toBe(1);
  });

  it('has derivatives equal to finite differences away from kinks', () => {
    for (const name of LOSS_NAMES) {
      const l = LOSSES[name];
      for (const [y, f] of [
        [1, 0.3],
        [-1, 0.4],
        [1, -2.5],
        [-1, 3.1],
      ]) {
        const h = 1e-6;
        expect(l.derivative(y, f)).toBeCloseTo(
          (l.value(y, f + h) - l.value(y, f - h)) / (2 * h),
          6,
        );
      }
    }
  });
});

describe('addLayerGrads', () => {
  it('accumulates scale * dL/dW and dL/db into existing buffers', () => {
    const { layer, a, x, y } = setup(21);
    const ref = lossAndGrads(layer, a, { x, y }, 'logistic');
    const acc = { w: normal(key(1), [4, 5] as const), b: normal(key(2), [4] as const) };
    const w0 = copy(acc.w);
    const b0 = copy(acc.b);
    const loss = addLayerGrads(layer, a, { x, y }, 'logistic', acc, 2.5);
    expect(loss).toBeCloseTo(ref.loss, 14);
    for (let i = 0; i < 20; i++)
      expect(acc.w.data[i]).toBeCloseTo(w0.data[i] + 2.5 * ref.w!.data[i], 12);
    for (let i = 0; i < 4; i++)
      expect(acc.b.data[i]).toBeCloseTo(b0.data[i] + 2.5 * ref.b!.data[i], 12);
  });
});
