import { headLossAndGrad, hidden, initLayer, type Layer, lossAndGrads } from '@mtrl/network';
import { applyUpdatesInto, sgd } from '@mtrl/optim';
import { batchKey, groundTruth, taskSuite } from '@mtrl/tasks';
import {
  axpyInto,
  copy,
  frobeniusNorm,
  key,
  type Matrix,
  normal,
  row,
  scaleInto,
  split,
  toArray,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_NAMES,
  type HeadStep,
  headStep,
  type PretrainConfig,
  type PretrainResult,
  pretrain,
  pretrainAsync,
  type Reduction,
  reduction,
  runKeys,
  suiteSource,
  type TaskSource,
} from './index.js';

const [kg, ks] = split(key(21));
const gt = groundTruth(kg, { d: 8, r: 2 });
const T = 4;
const source = suiteSource<'float64'>(gt, taskSuite(ks, { kind: 'halfspace' }, gt, T));
const RUN = key(5);
const base: PretrainConfig = { m: 5, n1: 24, n2: 32, alpha: 0.5, eta: 2, rounds: 2 };
const pieces = new URL('../test/studyPieces.mjs', import.meta.url).href;

const bits = (r: PretrainResult) => ({
  w: Array.from(r.layer.w.data),
  b: Array.from(r.layer.b.data),
  heads: Array.from(r.heads.data),
  head0: r.sharedHead === undefined ? [] : Array.from(r.sharedHead.data),
  losses: r.history.map((e) => [e.headLoss, e.layerLoss]),
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

// ReLU features of a batch, with plain loops: h[i][j] = max(0, <w_j, x_i> + b_j).
function features(layer: Layer, x: Matrix): number[][] {
  const [m, d] = layer.w.shape;
  const [n] = x.shape;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, j) => {
      let z = layer.b.data[j];
      for (let k = 0; k < d; k++) z += layer.w.data[j * d + k] * x.data[i * d + k];
      return z;
    }),
  ).map((zs) => zs.map((z) => Math.max(0, z)));
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

describe('the shipped algorithms', { timeout: 300_000 }, () => {
  it('give the same bits with 1 and 2 worker threads as pretrain, for every algorithm', async () => {
    for (const algorithm of ALGORITHM_NAMES) {
      const cfg: PretrainConfig = {
        ...base,
        algorithm,
        loss: 'logistic',
        trainBias: true,
        headInit: { kind: 'normal', std: 0.3 },
        ...(algorithm === 'joint-sgd' ? {} : { head: { mode: 'step', steps: 2 } }),
      };
      const one = pretrain(RUN, source, cfg);
      expect(one.status).toBe('completed');
      expect(one.layer.w.data.every(Number.isFinite)).toBe(true);
      for (const threads of [1, 2]) {
        const res = await pretrainAsync(RUN, source, cfg, { threads });
        expect(bits(res)).toEqual(bits(one));
      }
    }
  });

  it('keep the layer activation, with the same bits on 2 threads (GELU, leaky ReLU)', async () => {
    for (const [activation, algorithm] of [
      ['gelu', 'paper'],
      [{ kind: 'leaky-relu', slope: 0.1 }, 'fomaml'],
    ] as const) {
      const cfg: PretrainConfig = {
        ...base,
        algorithm,
        loss: 'logistic',
        init: { activation },
        headInit: { kind: 'normal', std: 0.3 },
      };
      const one = pretrain(RUN, source, cfg);
      expect(one.layer.activation).toEqual(activation);
      expect(bits(one)).not.toEqual(bits(pretrain(RUN, source, { ...cfg, init: {} })));
      const two = await pretrainAsync(RUN, source, cfg, { threads: 2 });
      expect(bits(two)).toEqual(bits(one));
    }
    expect(() =>
      pretrain(RUN, source, { ...base, sampler: 'projected', init: { activation: 'gelu' } }),
    ).toThrow(/sampler 'projected' computes the gradient of ReLU units only/);
  });

  it("'paper' is one round of the paper's algorithm, recomputed here with plain loops", () => {
    const cfg: PretrainConfig = { ...base, rounds: 1, loss: 'logistic' };
    const res = pretrain(RUN, source, { ...cfg, algorithm: 'paper' });
    expect(bits(res)).toEqual(bits(pretrain(RUN, source, cfg)));
    const { m, n1, n2, alpha, eta } = { ...cfg, m: 5 };
    const d = gt.d;
    const { init, data } = runKeys(RUN);
    const layer = initLayer(init, { d, m });
    const grad = new Float64Array(m * d);
    for (let t = 0; t < T; t++) {
      // Head step from the zero head on S1: a = -alpha * H^T g / n1, g_i = -y_i sigmoid(0).
      const s1 = source.sample(t, batchKey(data, 1, t, 'head'), n1, 'float64');
      const h1 = features(layer, s1.x);
      const a = new Array(m).fill(0);
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < m; j++) a[j] -= (alpha * (-s1.y.data[i] * 0.5) * h1[i][j]) / n1;
      // Layer gradient on S2 at the adapted head.
      const s2 = source.sample(t, batchKey(data, 1, t, 'layer'), n2, 'float64');
      const h2 = features(layer, s2.x);
      for (let i = 0; i < n2; i++) {
        const y = s2.y.data[i];
        const f = h2[i].reduce((acc, v, j) => acc + v * a[j], 0);
        const g = -y * sigmoid(-y * f);
        for (let j = 0; j < m; j++)
          if (h2[i][j] > 0)
            for (let k = 0; k < d; k++)
              grad[j * d + k] += (g * a[j] * s2.x.data[i * d + k]) / n2 / T;
      }
    }
    const want = Array.from(layer.w.data, (w, i) => w - eta * grad[i]);
    expect(maxAbsDiff(res.layer.w.data, want)).toBeLessThan(1e-13);
  });

  it("'joint-sgd' makes the old jointSgd loop's updates, bit for bit", () => {
    const std = 0.4;
    const momentum = 0.5;
    const cfg: PretrainConfig = {
      ...base,
      rounds: 2,
      algorithm: 'joint-sgd',
      loss: 'logistic',
      trainBias: true,
      headInit: { kind: 'normal', std },
      optimizer: { kind: 'momentum', momentum },
    };
    const res = pretrain(RUN, source, cfg);
    // The loop of jointSgd before it ran on the engine, with the engine's keys.
    const { init, heads: kHeads, data } = runKeys(RUN);
    const layer = initLayer(init, { d: gt.d, m: 5 });
    const heads = normal(kHeads, [T, 5] as const);
    scaleInto(heads, std);
    const layerOpt = sgd(cfg.eta, { momentum });
    const headOpt = sgd(cfg.alpha, { momentum });
    const params = { w: layer.w, b: layer.b };
    let layerState = layerOpt.init(params);
    let headState = headOpt.init({ heads });
    const losses: number[] = [];
    for (let s = 1; s <= 2; s++) {
      const gradW = zeros(layer.w.shape);
      const gradB = zeros(layer.b.shape);
      const gradHeads = zeros([T, 5] as const);
      let total = 0;
      for (let t = 0; t < T; t++) {
        const batch = source.sample(t, batchKey(data, s, t, 'layer'), cfg.n2, 'float64');
        const g = lossAndGrads(layer, row(heads, t) as Vector, batch, 'logistic');
        axpyInto(gradW, 1 / T, g.w as Matrix);
        axpyInto(gradB, 1 / T, g.b as Vector);
        axpyInto(row(gradHeads, t), 1, g.head as Vector);
        total += g.loss / T;
      }
      losses.push(total);
      const [lu, ls] = layerOpt.update({ w: gradW, b: gradB }, layerState, params);
      layerState = ls;
      const [hu, hs] = headOpt.update({ heads: gradHeads }, headState, { heads });
      headState = hs;
      applyUpdatesInto(params, lu);
      applyUpdatesInto({ heads }, hu);
    }
    expect(Array.from(res.layer.w.data)).toEqual(Array.from(layer.w.data));
    expect(Array.from(res.layer.b.data)).toEqual(Array.from(layer.b.data));
    expect(Array.from(res.heads.data)).toEqual(Array.from(heads.data));
    expect(res.history.slice(1).map((e) => e.layerLoss)).toEqual(losses);
  });

  // One round of FOMAML or ANIL from the shared head a0, written out with network's gradients.
  function metaReference(kind: 'fomaml' | 'anil', cfg: PretrainConfig, std: number) {
    const { init, heads: kHeads, data } = runKeys(RUN);
    const layer = initLayer(init, { d: gt.d, m: 5 });
    const a0 = row(normal(kHeads, [1, 5] as const), 0) as Vector<'float64'>;
    scaleInto(a0, std);
    const gw = zeros(layer.w.shape);
    const ga = zeros([5] as const);
    for (let t = 0; t < T; t++) {
      const s1 = source.sample(t, batchKey(data, 1, t, 'head'), cfg.n1, 'float64');
      let adapted: Layer<'float64'> = layer;
      const a = copy(a0);
      if (kind === 'fomaml') {
        const g = lossAndGrads(layer, a0, s1, 'logistic', { b: false });
        adapted = { w: copy(layer.w), b: layer.b };
        axpyInto(adapted.w, -cfg.alpha, g.w as Matrix);
        axpyInto(a, -cfg.alpha, g.head as Vector);
      } else {
        const { grad } = headLossAndGrad(hidden(layer, s1.x), a0, s1.y, 'logistic');
        axpyInto(a, -cfg.alpha, grad);
      }
      const s2 = source.sample(t, batchKey(data, 1, t, 'layer'), cfg.n2, 'float64');
      const g = lossAndGrads(adapted, a, s2, 'logistic', { b: false });
      axpyInto(gw, 1 / T, g.w as Matrix);
      axpyInto(ga, 1 / T, g.head as Vector);
    }
    axpyInto(layer.w, -cfg.eta, gw);
    axpyInto(a0, -cfg.eta, ga);
    return { w: layer.w, a0 };
  }

  for (const kind of ['fomaml', 'anil'] as const)
    it(`'${kind}' makes one first-order meta-update of W and the shared head`, () => {
      const std = 0.3;
      const cfg: PretrainConfig = {
        ...base,
        rounds: 1,
        algorithm: kind,
        loss: 'logistic',
        headInit: { kind: 'normal', std },
      };
      const res = pretrain(RUN, source, cfg);
      const want = metaReference(kind, cfg, std);
      expect(res.sharedHead).toBeDefined();
      expect(maxAbsDiff(res.layer.w.data, want.w.data)).toBeLessThan(1e-14);
      expect(maxAbsDiff(res.sharedHead!.data, want.a0.data)).toBeLessThan(1e-14);
      // The heads each task adapted to in the round differ from a0 and from each other.
      expect(toArray(row(res.heads, 0))).not.toEqual(toArray(row(res.heads, 1)));
    });
});

describe('user-written pieces', { timeout: 300_000 }, () => {
  it('a reduction from code: clipping each task gradient norm bounds the step', () => {
    const clip = (maxNorm: number): Reduction => ({
      name: 'clip',
      add(acc, task) {
        const scale = Math.min(1, maxNorm / (frobeniusNorm(task.w) || 1));
        axpyInto(acc.w, scale, task.w);
      },
    });
    const cfg: PretrainConfig = { ...base, rounds: 1, loss: 'logistic' };
    const plain = pretrain(RUN, source, cfg);
    // A bound no task reaches leaves the paper's bits.
    const loose = pretrain(RUN, source, { ...cfg, algorithm: { reduction: clip(1e9) } });
    expect(bits(loose)).toEqual(bits(plain));
    const init = initLayer(runKeys(RUN).init, { d: gt.d, m: 5 });
    const step = (r: PretrainResult) => {
      const delta = copy(r.layer.w);
      axpyInto(delta, -1, init.w);
      return frobeniusNorm(delta);
    };
    const tight = pretrain(RUN, source, { ...cfg, algorithm: { reduction: clip(1e-4) } });
    expect(step(tight)).toBeLessThanOrEqual(cfg.eta * T * 1e-4 * (1 + 1e-12));
    expect(step(plain)).toBeGreaterThan(10 * step(tight));
    // The built-in pieces compose too: a weighted reduction that drops tasks 2 and 3.
    const half = pretrain(RUN, source, {
      ...cfg,
      algorithm: { reduction: { kind: 'weighted', weights: [0.5, 0.5, 0, 0] } },
    });
    expect(bits(half)).not.toEqual(bits(plain));
    expect(reduction('mean').weight?.(1, 4)).toBe(0.25);
  });

  it('a head step from code: the built-in step rewritten by hand gives the same bits', () => {
    const byHand: HeadStep = {
      name: 'by-hand',
      samples: true,
      adapt({ layer, head, s1, loss, alpha }) {
        const a = copy(head);
        const { loss: headLoss, grad } = headLossAndGrad(
          hidden(layer, s1.x),
          a,
          s1.y,
          loss as 'logistic',
        );
        axpyInto(a, -alpha, grad);
        return { head: a, headLoss };
      },
    };
    const cfg: PretrainConfig = { ...base, loss: 'logistic' };
    const mine = pretrain(RUN, source, { ...cfg, algorithm: { headStep: byHand } });
    expect(bits(mine)).toEqual(bits(pretrain(RUN, source, cfg)));
    expect(headStep({ mode: 'fixed' }).samples).toBe(false);
  });

  it('a custom Loss object on the calling thread, and as a module reference on threads', async () => {
    const mySquare = {
      name: 'my-square',
      value: (y: number, f: number) => 0.5 * (y - f) * (y - f),
      derivative: (y: number, f: number) => f - y,
    };
    const cfg: PretrainConfig = { ...base, loss: 'square' };
    const named = pretrain(RUN, source, cfg);
    const object = pretrain(RUN, source, { ...cfg, loss: mySquare });
    expect(bits(object)).toEqual(bits(named));
    const ref = { module: pieces, export: 'scaledSquare', params: { scale: 1 } };
    const one = await pretrainAsync(RUN, source, { ...cfg, loss: ref });
    expect(bits(one)).toEqual(bits(named));
    const two = await pretrainAsync(RUN, source, { ...cfg, loss: ref }, { threads: 2 });
    expect(bits(two)).toEqual(bits(named));
  });

  it('custom pieces cross to worker threads as module references, with the bits of one thread', async () => {
    const cfg: PretrainConfig = {
      ...base,
      algorithm: {
        headStep: {
          module: pieces,
          export: 'clippedHeadStep',
          params: { steps: 2, maxStep: 0.05 },
        },
      },
    };
    const one = await pretrainAsync(RUN, source, cfg);
    const two = await pretrainAsync(RUN, source, cfg, { threads: 2 });
    expect(bits(two)).toEqual(bits(one));
    expect(bits(one)).not.toEqual(bits(pretrain(RUN, source, base)));
    // Synchronous pretrain cannot import a module; an object piece cannot cross to a worker.
    expect(() => pretrain(RUN, source, cfg)).toThrow(
      /config\.algorithm\.headStep is a module reference, which only pretrainAsync loads/,
    );
    const local = { algorithm: { headStep: headStep({ mode: 'step' }) } };
    await expect(pretrainAsync(RUN, source, { ...base, ...local }, { threads: 2 })).rejects.toThrow(
      /config\.algorithm\.headStep is an object, which cannot cross to worker threads/,
    );
  });
});

describe('the config of an algorithm', () => {
  it('refuses seed with the migration, unknown algorithms and pieces, and heads joint-sgd lacks', () => {
    const bad = (config: unknown) => () => pretrain(RUN, source, config as PretrainConfig);
    expect(bad({ ...base, seed: 3 })).toThrow(RangeError);
    expect(bad({ ...base, seed: 3 })).toThrow(
      /seed: config\.seed is removed: pass key\(seed\) as the first argument, as in pretrain\(key\(3\), source, config\)/,
    );
    expect(bad({ ...base, algorithm: 'maml' })).toThrow(
      /algorithm: must be one of "paper", "joint-sgd", "fomaml", "anil", got "maml"/,
    );
    expect(bad({ ...base, algorithm: { reduce: 'mean' } })).toThrow(
      /algorithm\.reduce: unknown piece/,
    );
    expect(bad({ ...base, algorithm: 'joint-sgd', head: { mode: 'step' } })).toThrow(
      /head: algorithm 'joint-sgd' has no inner head step/,
    );
    expect(bad({ ...base, algorithm: { reduction: { kind: 'weighted', weights: [1] } } })).toThrow(
      /a 'weighted' reduction needs one weight per task/,
    );
    expect(bad({ ...base, algorithm: 'fomaml', sampler: 'projected' })).toThrow(
      /sampler 'projected' runs the paper's layer gradient/,
    );
    expect(() => pretrain([1, 2] as never, source, base)).toThrow(TypeError);
  });
});

describe('suites of a module family', { timeout: 300_000 }, () => {
  it('run on 2 threads with the bits of 1: each worker rebuilds the tasks from the spec', async () => {
    const { taskSuiteAsync } = await import('@mtrl/tasks');
    const suite = await taskSuiteAsync(
      key(8),
      { kind: 'custom', module: { module: pieces } },
      gt,
      3,
    );
    const src: TaskSource = suiteSource(gt, suite);
    expect(src.spec).toBeDefined();
    expect(JSON.parse(JSON.stringify(src.spec?.tasks))).toEqual(src.spec?.tasks);
    const notices: string[] = [];
    const cfg: PretrainConfig = { ...base, loss: 'logistic', trainBias: true };
    const one = pretrain(RUN, src, cfg);
    const two = await pretrainAsync(RUN, src, cfg, {
      threads: 2,
      onNotice: (n) => notices.push(n),
    });
    expect(bits(two)).toEqual(bits(one));
    expect(notices).toEqual([]);
    // A family whose function lives on this thread keeps running, on one thread, with a notice.
    const local = taskSuite(key(8), { kind: 'custom', draw: () => (z) => z[0] }, gt, 3);
    const res = await pretrainAsync(RUN, suiteSource(gt, local), cfg, {
      threads: 2,
      onNotice: (n) => notices.push(n),
    });
    expect(res.status).toBe('completed');
    expect(notices).toEqual([expect.stringMatching(/has no spec .* run on one thread/)]);
  });
});
