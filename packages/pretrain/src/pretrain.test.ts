import { initLayer, type Layer } from '@mtrl/network';
import { groundTruth, type HalfspaceTask, taskSuite } from '@mtrl/tasks';
import { frobeniusNorm, key, type Matrix, matmul, split, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type PretrainConfig, pretrain, pretrainAsync, suiteSource } from './index.js';

function setup(seed: number, d: number, r: number, T: number) {
  const [kg, ks] = split(key(seed));
  const gt = groundTruth(kg, { d, r });
  const suite = taskSuite(ks, { kind: 'halfspace' }, gt, T);
  return { gt, suite, source: suiteSource<'float64'>(gt, suite) };
}

const energyOf = (gt: { m: Matrix }) => (layer: Layer) =>
  frobeniusNorm(matmul(layer.w, gt.m, { transB: true })) ** 2 / frobeniusNorm(layer.w) ** 2;

// Singular values of the m x 2 matrix P = W M^T from its 2 x 2 Gram matrix, in closed form.
function singularValues2(p: Matrix): [number, number] {
  const g = toArray(matmul(p, p, { transA: true }));
  const tr = g[0][0] + g[1][1];
  const det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  return [Math.sqrt(tr / 2 + disc), Math.sqrt(Math.max(0, tr / 2 - disc))];
}

const base: PretrainConfig = { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1 };

describe('pretrain: the one-step analysis (K = 1, correlation loss, zero heads)', () => {
  it('has mean update W (I + (alpha eta / (2 pi T)) M^T (sum_t v_t v_t^T) M) over independent draws', () => {
    // Small sizes, many independent data draws from one fixed initial layer and task suite.
    // The tolerance is 4 standard errors of the Monte Carlo mean, per entry.
    const d = 4;
    const m = 3;
    const T = 2;
    const { gt, suite, source } = setup(1, d, 2, T);
    const layer0 = initLayer(key(2), { d, m });
    const alpha = 1;
    const eta = 1;
    const draws = 60;
    const sum = new Float64Array(m * d);
    const sumSq = new Float64Array(m * d);
    for (let s = 0; s < draws; s++) {
      const res = pretrain(
        key(100 + s),
        source,
        { m, n1: 3000, n2: 3000, alpha, eta, rounds: 1 },
        { initialLayer: layer0 },
      );
      for (let i = 0; i < m * d; i++) {
        const delta = res.layer.w.data[i] - layer0.w.data[i];
        sum[i] += delta;
        sumSq[i] += delta * delta;
      }
    }
    // Closed form: delta W = c W M^T V^T V M with c = alpha eta / (2 pi T).
    const mm = toArray(gt.m);
    const vs = suite.tasks.map((t) => (t as HalfspaceTask).v);
    const A = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) =>
        vs.reduce(
          (acc, v) =>
            acc + (v[0] * mm[0][i] + v[1] * mm[1][i]) * (v[0] * mm[0][j] + v[1] * mm[1][j]),
          0,
        ),
      ),
    );
    const c = (alpha * eta) / (2 * Math.PI * T);
    const w0 = toArray(layer0.w);
    let errNorm = 0;
    let refNorm = 0;
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < d; k++) {
        let expected = 0;
        for (let i = 0; i < d; i++) expected += c * w0[j][i] * A[i][k];
        const mean = sum[j * d + k] / draws;
        const se = Math.sqrt((sumSq[j * d + k] / draws - mean * mean) / (draws - 1));
        expect(Math.abs(mean - expected)).toBeLessThan(4 * se + 1e-9);
        errNorm += (mean - expected) ** 2;
        refNorm += expected ** 2;
      }
    }
    // Measured 0.5 % with these seeds; 5 % leaves room for platform-independent slack.
    expect(Math.sqrt(errNorm / refNorm)).toBeLessThan(0.05);
  });
});

describe('pretrain: recovery', () => {
  it('raises subspace energy from about r/d to at least 0.6 (d = 64, r = 2, m = 64, T = 32, one big step)', () => {
    const { gt, source } = setup(3, 64, 2, 32);
    const res = pretrain(
      key(0),
      source,
      { ...base, normalizeRows: true },
      { probes: { energy: energyOf(gt) } },
    );
    const [start, end] = res.history.map((h) => h.probes.energy);
    expect(start).toBeLessThan(0.1); // r / d = 0.03
    expect(end).toBeGreaterThan(0.6);
  });

  it('learns one direction from a single task: s2 / s1 of W M^T stays small', () => {
    const { gt, source } = setup(4, 64, 2, 1);
    const multi = setup(4, 64, 2, 32);
    const one = pretrain(key(0), source, { ...base, n1: 2048, n2: 2048, normalizeRows: true });
    const many = pretrain(key(0), multi.source, { ...base, normalizeRows: true });
    const [s1, s2] = singularValues2(matmul(one.layer.w, gt.m, { transB: true }));
    const [m1, m2] = singularValues2(matmul(many.layer.w, multi.gt.m, { transB: true }));
    expect(s2 / s1).toBeLessThan(0.2); // measured 0.04
    expect(m2 / m1).toBeGreaterThan(0.5); // measured 0.91
    expect(m2 / m1).toBeGreaterThan(2 * (s2 / s1));
  });
});

describe('pretrain: behaviour', () => {
  const { source } = setup(5, 8, 2, 3);
  const small: PretrainConfig = {
    m: 4,
    n1: 16,
    n2: 16,
    alpha: 0.5,
    eta: 2,
    rounds: 3,
    loss: 'logistic',
  };

  it('reproduces a run bit for bit from its key, and another key differs', () => {
    const a = pretrain(key(7), source, small);
    const b = pretrain(key(7), source, small);
    const c = pretrain(key(8), source, small);
    expect(Array.from(a.layer.w.data)).toEqual(Array.from(b.layer.w.data));
    expect(Array.from(a.heads.data)).toEqual(Array.from(b.heads.data));
    expect(Array.from(a.layer.w.data)).not.toEqual(Array.from(c.layer.w.data));
  });

  it('emits round 0 plus one event per round and one per task, and can stop early', () => {
    const rounds: number[] = [];
    let tasks = 0;
    const res = pretrain(key(7), source, small, {
      onRound: (e) => void rounds.push(e.round),
      onTask: () => void tasks++,
    });
    expect(rounds).toEqual([0, 1, 2, 3]);
    expect(tasks).toBe(9);
    expect(res.history).toHaveLength(4);
    expect(res.status).toBe('completed');
    const stopped = pretrain(key(7), source, small, {
      onRound: (e) => (e.round === 1 ? 'stop' : undefined),
    });
    expect(stopped.status).toBe('stopped');
    expect(stopped.history).toHaveLength(2);
  });

  it('honours an AbortSignal in the async driver, keeping finished rounds', async () => {
    const ctl = new AbortController();
    const res = await pretrainAsync(key(7), source, small, {
      signal: ctl.signal,
      onTask: (e) => (e.round === 2 && e.task === 0 ? ctl.abort() : undefined),
    });
    expect(res.status).toBe('aborted');
    expect(res.history.map((h) => h.round)).toEqual([0, 1]);
  });

  it('runs every head mode, optimizer, bias training and float32', () => {
    for (const extra of [
      { head: { mode: 'step', steps: 3 } },
      { head: { mode: 'fit', l2: 0.01 } },
      { head: { mode: 'fixed' }, headInit: { kind: 'normal', std: 1 } },
      { optimizer: { kind: 'momentum', momentum: 0.9, nesterov: true } },
      { optimizer: { kind: 'adam' } },
      { trainBias: true, init: { bias: { kind: 'normal', std: 0.5 } } },
      { dtype: 'float32' },
    ] as Partial<PretrainConfig>[]) {
      const res = pretrain(key(7), source, { ...small, ...extra });
      expect(res.layer.w.data.every(Number.isFinite)).toBe(true);
      expect(res.history.at(-1)!.layerLoss).toBeGreaterThan(0);
    }
    const fit = pretrain(key(7), source, { ...small, head: { mode: 'fit', l2: 0.01 } });
    expect(fit.history.at(-1)!.headConvergedFraction).toBe(1);
    const biased = pretrain(key(7), source, { ...small, trainBias: true });
    expect(biased.layer.b.data.some((v) => v !== 0)).toBe(true);
    const frozen = pretrain(key(7), source, small);
    expect(frozen.layer.b.data.every((v) => v === 0)).toBe(true);
  });

  it('names every bad field of a config in one error', () => {
    const bad = {
      m: 0,
      n1: 1.5,
      n2: -1,
      alpha: Number.NaN,
      eta: 1,
      rounds: 1,
      seed: -1,
      loss: 'l1',
      head: { mode: 'fit' },
      dtype: 'int8',
      extra: 1,
    };
    let message = '';
    try {
      pretrain(key(7), source, bad as unknown as PretrainConfig);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const field of [
      'm:',
      'n1:',
      'n2:',
      'alpha:',
      'seed:',
      'loss:',
      'head.mode:',
      'dtype:',
      'extra: unknown field',
      'pass key(seed) as the first argument',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('refuses a malformed source', () => {
    expect(() => pretrain(key(7), { tasks: 0, d: 3, sample: () => ({}) } as never, small)).toThrow(
      /source must be a TaskSource/,
    );
  });
});
