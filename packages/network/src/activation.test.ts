import {
  copy,
  fromArray,
  gemmInto,
  key,
  type Matrix,
  normal,
  rademacher,
  split,
  toArray,
  type Vector,
  withBackend,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  type Activation,
  activation,
  addLayerGrads,
  fitHead,
  forward,
  headLossAndGrad,
  hidden,
  initLayer,
  type Layer,
  LOSSES,
  type Loss,
  layerGradWorkspace,
  lossAndGrads,
  preactivations,
  resolveLoss,
} from './index.js';

const SPECS: Activation[] = ['relu', { kind: 'leaky-relu', slope: 0.1 }, 'gelu'];

// Central finite difference of f in one coordinate of a parameter buffer.
function fd(f: () => number, data: Float32Array | Float64Array, i: number, h = 1e-6): number {
  const old = data[i];
  data[i] = old + h;
  const up = f();
  data[i] = old - h;
  const down = f();
  data[i] = old;
  return (up - down) / (2 * h);
}

function setup(seed: number, activation?: Activation, n = 9, d = 5, m = 6) {
  const [k1, k2, k3, k4] = split(key(seed), 4);
  const layer = initLayer(k1, { d, m, bias: { kind: 'normal', std: 0.3 }, activation });
  const a = normal(k2, [m] as const);
  const x = normal(k3, [n, d] as const);
  const y = rademacher(k4, [n] as const);
  return { layer, a, x, y };
}

describe('activation', () => {
  it('lists the names and makes value/derivative functions', () => {
    expect(ACTIVATIONS).toEqual(['relu', 'leaky-relu', 'gelu']);
    expect(activation().name).toBe('relu');
    const relu = activation('relu');
    expect([relu.value(-2), relu.value(0), relu.value(3)]).toEqual([0, 0, 3]);
    expect([relu.derivative(-2), relu.derivative(0), relu.derivative(3)]).toEqual([0, 0, 1]);
    const leaky = activation({ kind: 'leaky-relu', slope: 0.1 });
    expect(leaky.name).toBe('leaky-relu');
    expect(leaky.spec).toEqual({ kind: 'leaky-relu', slope: 0.1 });
    expect([leaky.value(-2), leaky.value(3), leaky.derivative(-2)]).toEqual([-0.2, 3, 0.1]);
    const gelu = activation('gelu');
    expect(gelu.value(0)).toBe(0);
    expect(gelu.value(1)).toBeCloseTo(0.8411919906082768, 15);
    expect(gelu.value(-30)).toBeCloseTo(0, 12);
  });

  it('derivatives match central finite differences of the values', () => {
    for (const spec of SPECS) {
      const { value, derivative } = activation(spec);
      for (const z of [-3.1, -0.7, -0.05, 0.05, 0.4, 2.3]) {
        const num = (value(z + 1e-6) - value(z - 1e-6)) / 2e-6;
        expect(derivative(z)).toBeCloseTo(num, 7);
      }
    }
  });

  it('refuses malformed specs with the error type of the mistake', () => {
    expect(() => activation('tanh' as never)).toThrow(
      new RangeError('activation: spec must be one of "relu", "gelu", got "tanh"'),
    );
    expect(() => activation('leaky-relu' as never)).toThrow(RangeError);
    expect(() => activation(3 as never)).toThrow(TypeError);
    expect(() => activation({ kind: 'leaky-relu' } as never)).toThrow(TypeError);
    expect(() => activation({ kind: 'leaky-relu', slope: -0.1 })).toThrow(
      'activation: spec.slope must be a finite number >= 0, got -0.1',
    );
    expect(() => activation({ kind: 'elu', slope: 1 } as never)).toThrow(RangeError);
    expect(() => initLayer(key(0), { d: 2, m: 2, activation: 'swish' as never })).toThrow(
      /initLayer: activation must be one of/,
    );
    const layer = { ...initLayer(key(0), { d: 2, m: 2 }), activation: 'swish' as never };
    expect(() => hidden(layer, zeros([1, 2]))).toThrow(/hidden: layer.activation/);
  });
});

describe('layers with an activation', () => {
  it('initLayer keeps the draws of the key and records a non-default activation', () => {
    const plain = initLayer(key(3), { d: 4, m: 3 });
    expect('activation' in plain).toBe(false);
    for (const spec of SPECS) {
      const layer = initLayer(key(3), { d: 4, m: 3, activation: spec });
      expect(layer.activation).toEqual(spec);
      expect(layer.w.data).toEqual(plain.w.data);
      expect(layer.b.data).toEqual(plain.b.data);
    }
  });

  it('hidden applies the activation to the pre-activations; forward uses it', () => {
    for (const spec of SPECS) {
      const { layer, a, x } = setup(4, spec);
      const { value } = activation(spec);
      const z = toArray(preactivations(layer, x));
      const h = toArray(hidden(layer, x));
      for (const [i, row] of z.entries())
        for (const [j, v] of row.entries()) expect(h[i][j]).toBe(value(v));
      const f = toArray(forward(layer, a, x));
      for (const [i, row] of h.entries()) {
        const want = row.reduce((s, v, j) => s + v * (a.data[j] as number), 0);
        expect(f[i]).toBeCloseTo(want, 12);
      }
    }
  });

  it("relu (explicit, absent or the tensors' deprecated relu path) gives identical bits", () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const backend of ['js', 'wasm']) {
        const layer = initLayer(key(5), { d: 7, m: 9, bias: { kind: 'normal', std: 1 }, dtype });
        const x = normal(key(6), [13, 7] as const, { dtype });
        const legacy = zeros([13, 9] as const, { dtype });
        gemmInto(legacy, x, layer.w, { transB: true, bias: layer.b, relu: true, backend });
        const h = withBackend(backend, () => hidden(layer, x));
        const hRelu = withBackend(backend, () => hidden({ ...layer, activation: 'relu' }, x));
        expect(h.data).toEqual(legacy.data);
        expect(hRelu.data).toEqual(legacy.data);
      }
    }
    const { layer, a, x, y } = setup(7);
    const base = lossAndGrads(layer, a, { x, y }, 'logistic');
    const explicit = lossAndGrads({ ...layer, activation: 'relu' }, a, { x, y }, 'logistic');
    expect(explicit.w?.data).toEqual(base.w?.data);
    expect(explicit.b?.data).toEqual(base.b?.data);
    expect(explicit.head?.data).toEqual(base.head?.data);
  });

  for (const spec of SPECS) {
    const name = typeof spec === 'string' ? spec : spec.kind;
    it(`analytic gradients (W, b, head) match finite differences for ${name} (float64)`, () => {
      for (const loss of ['logistic', 'square'] as const) {
        const { layer, a, x, y } = setup(8, spec);
        const net: Layer = { w: copy(layer.w), b: copy(layer.b), activation: spec };
        const head = copy(a);
        const grads = lossAndGrads(net, head, { x, y }, loss);
        const f = () =>
          lossAndGrads(net, head, { x, y }, loss, { head: false, w: false, b: false }).loss;
        for (let i = 0; i < net.w.data.length; i++)
          expect(grads.w?.data[i]).toBeCloseTo(fd(f, net.w.data, i), 6);
        for (let i = 0; i < net.b.data.length; i++)
          expect(grads.b?.data[i]).toBeCloseTo(fd(f, net.b.data, i), 6);
        for (let i = 0; i < head.data.length; i++)
          expect(grads.head?.data[i]).toBeCloseTo(fd(f, head.data, i), 6);
        // The head gradient on fixed features is the same.
        const hg = headLossAndGrad(hidden(net, x), head, y, loss);
        expect(hg.grad.data).toEqual(grads.head?.data);
      }
    });

    it(`addLayerGrads equals lossAndGrads for ${name}, with and without a workspace`, () => {
      const { layer, a, x, y } = setup(9, spec, 300, 4, 5);
      const g = lossAndGrads(layer, a, { x, y }, 'logistic');
      for (const ws of [undefined, layerGradWorkspace(300, 5, 'float64', spec)]) {
        const acc = { w: zeros([5, 4] as const), b: zeros([5] as const) };
        const loss = addLayerGrads(layer, a, { x, y }, 'logistic', acc, 1, ws);
        expect(loss).toBe(g.loss);
        expect(acc.w.data).toEqual(g.w?.data);
        expect(acc.b.data).toEqual(g.b?.data);
      }
      // A GELU workspace without z still works (allocating a temporary).
      const bare = layerGradWorkspace(300, 5);
      const acc = { w: zeros([5, 4] as const) };
      addLayerGrads(layer, a, { x, y }, 'logistic', acc, 1, bare);
      expect(acc.w.data).toEqual(g.w?.data);
    });
  }

  it('float32 gradients of every activation are close to float64 ones on the wasm backend', () => {
    for (const spec of SPECS) {
      const { layer, a, x, y } = setup(10, spec, 64, 6, 8);
      const g64 = lossAndGrads(layer, a, { x, y }, 'logistic');
      const to32 = <T extends Matrix | Vector>(t: T) =>
        fromArray(toArray(t as Matrix) as number[][], { dtype: 'float32' }) as unknown as T;
      const l32 = {
        w: to32(layer.w),
        b: fromArray(toArray(layer.b), { dtype: 'float32' }),
        activation: spec,
      };
      const g32 = withBackend('wasm', () =>
        lossAndGrads(
          l32,
          fromArray(toArray(a), { dtype: 'float32' }),
          { x: to32(x), y: fromArray(toArray(y), { dtype: 'float32' }) },
          'logistic',
        ),
      );
      for (let i = 0; i < g64.w!.data.length; i++)
        expect(Math.abs(g32.w!.data[i] - g64.w!.data[i])).toBeLessThan(1e-5);
    }
  });
});

// A user-written loss: the smooth squared hinge max(0, 1 - y f)^2.
const squaredHinge: Loss = {
  name: 'squared-hinge',
  value: (y, f) => Math.max(0, 1 - y * f) ** 2,
  derivative: (y, f) => -2 * y * Math.max(0, 1 - y * f),
};

describe('loss objects', () => {
  it('resolveLoss returns named and user-written losses and refuses malformed ones', () => {
    expect(resolveLoss('hinge')).toBe(LOSSES.hinge);
    expect(resolveLoss(squaredHinge)).toBe(squaredHinge);
    expect(() => resolveLoss('huber' as never)).toThrow(
      new RangeError(
        'resolveLoss: loss must be one of "logistic", "hinge", "square", "correlation", got "huber"',
      ),
    );
    expect(() => resolveLoss(3 as never)).toThrow(TypeError);
    expect(() => resolveLoss({ name: 'x', value: () => 0 } as never)).toThrow(
      new TypeError('resolveLoss: loss.derivative must be a function, got undefined'),
    );
    expect(() => lossAndGrads(setup(1).layer, setup(1).a, setup(1), { name: 1 } as never)).toThrow(
      /lossAndGrads: loss.name must be a string/,
    );
  });

  it('a user-written loss gives gradients that match finite differences', () => {
    for (const spec of SPECS) {
      const { layer, a, x, y } = setup(12, spec);
      const net: Layer = { w: copy(layer.w), b: copy(layer.b), activation: spec };
      const head = copy(a);
      const grads = lossAndGrads(net, head, { x, y }, squaredHinge);
      const f = () =>
        lossAndGrads(net, head, { x, y }, squaredHinge, { head: false, w: false, b: false }).loss;
      for (let i = 0; i < net.w.data.length; i++)
        expect(grads.w?.data[i]).toBeCloseTo(fd(f, net.w.data, i), 6);
      for (let i = 0; i < net.b.data.length; i++)
        expect(grads.b?.data[i]).toBeCloseTo(fd(f, net.b.data, i), 6);
      for (let i = 0; i < head.data.length; i++)
        expect(grads.head?.data[i]).toBeCloseTo(fd(f, head.data, i), 6);
    }
  });

  it('fitHead minimises a user-written smooth loss', () => {
    const { layer, x, y } = setup(13, 'gelu', 80, 5, 6);
    const h = hidden(layer, x);
    const fit = fitHead(h, y, squaredHinge, { l2: 1e-2, tol: 1e-9, maxIter: 5000 });
    expect(fit.converged).toBe(true);
    const { grad } = headLossAndGrad(h, fit.head, y, squaredHinge);
    for (let j = 0; j < 6; j++)
      expect(Math.abs(grad.data[j] + 1e-2 * fit.head.data[j])).toBeLessThan(1e-8);
  });
});
