import { initLayer } from '@mtrl/network';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import {
  frobeniusNorm,
  fromArray,
  key,
  type Matrix,
  matmul,
  split,
  toArray,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  type PretrainConfig,
  pretrain,
  pretrainAsync,
  suiteSource,
  type TaskSource,
  taskStep,
} from './index.js';

/** Teacher tasks with biased units: about 82 % of labels share a sign (mean |E y| about 0.65). */
function unbalanced(T = 64) {
  const [kg, ks] = split(key(3));
  const gt = groundTruth(kg, { d: 64, r: 4 });
  const suite = taskSuite(ks, { kind: 'teacher', biasStd: 1 }, gt, T);
  return { gt, source: suiteSource<'float64'>(gt, suite) };
}

const cfg: PretrainConfig = {
  m: 64,
  n1: 512,
  n2: 512,
  alpha: 1,
  eta: 1000,
  rounds: 1,
  normalizeRows: true,
};

describe('label centring and label balance', () => {
  it('recovers the subspace from unbalanced teacher tasks only with centred labels, and warns without', () => {
    const { gt, source } = unbalanced();
    const energy = (w: Matrix) =>
      frobeniusNorm(matmul(w, gt.m, { transB: true })) ** 2 / frobeniusNorm(w) ** 2;
    const raw: string[] = [];
    const a = pretrain(key(1), source, cfg, { onNotice: (m) => raw.push(m) });
    const centred: string[] = [];
    const b = pretrain(
      key(1),
      source,
      { ...cfg, centerLabels: true },
      { onNotice: (m) => centred.push(m) },
    );
    // Measured 0.08 raw and 0.85 centred (r/d = 0.06 at initialisation).
    expect(energy(a.layer.w)).toBeLessThan(0.2);
    expect(energy(b.layer.w)).toBeGreaterThan(0.6);
    expect(a.history[1].labelBalance).toBeGreaterThan(0.3);
    // The balance is of the raw labels, centred or not.
    expect(b.history[1].labelBalance).toBe(a.history[1].labelBalance);
    expect(a.history[0].labelBalance).toBeUndefined();
    expect(raw).toEqual([
      expect.stringMatching(/unbalanced \(mean \|E y\| = 0\.\d+ > 0\.3.*centerLabels: true/),
    ]);
    expect(centred).toEqual([]);
  });

  it('reports a balance near 0 and no notice for halfspace tasks through the origin', () => {
    const [kg, ks] = split(key(4));
    const gt = groundTruth(kg, { d: 16, r: 2 });
    const source = suiteSource<'float64'>(gt, taskSuite(ks, { kind: 'halfspace' }, gt, 16));
    const notes: string[] = [];
    const res = pretrain(
      key(1),
      source,
      { ...cfg, m: 16, n1: 256, n2: 256 },
      { onNotice: (m) => notes.push(m) },
    );
    // Each task's |mean y| over 512 labels has standard deviation about 1/sqrt(512) = 0.044.
    expect(res.history[1].labelBalance).toBeLessThan(0.1);
    expect(notes).toEqual([]);
  });

  it('centres S1 and S2 separately, and leaves the caller’s batches unchanged', () => {
    const layer = initLayer(key(5), { d: 3, m: 4 });
    const head = zeros([4] as const);
    const x1 = fromArray([
      [1, 0, 2],
      [0, 1, -1],
      [2, 1, 0],
    ]);
    const x2 = fromArray([
      [1, 1, 1],
      [-1, 0, 2],
    ]);
    const s1 = { x: x1, y: fromArray([1, 1, -1]) };
    const s2 = { x: x2, y: fromArray([1, 1]) };
    const opts = {
      loss: 'correlation' as const,
      alpha: 1,
      head: { mode: 'step' as const },
      weight: 1,
    };
    const outA = { w: zeros([4, 3] as const) };
    const centred = taskStep(layer, head, s1, s2, { ...opts, centerLabels: true }, outA);
    // By hand: S1 labels minus their mean 1/3, S2 labels minus their mean 1 (all zero).
    const outB = { w: zeros([4, 3] as const) };
    const byHand = taskStep(
      layer,
      head,
      { x: x1, y: fromArray([2 / 3, 2 / 3, -4 / 3]) },
      { x: x2, y: fromArray([0, 0]) },
      opts,
      outB,
    );
    expect(toArray(outA.w)).toEqual(toArray(outB.w));
    // 1 - 1/3 and 2/3 differ in the last bit, so the heads agree to rounding.
    for (const [i, v] of toArray(centred.head).entries())
      expect(v).toBeCloseTo(toArray(byHand.head)[i], 14);
    // S2's labels are constant, so centred they carry no gradient at all.
    expect(
      toArray(outA.w)
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    expect(centred.labelMean).toBeCloseTo((3 * (1 / 3) + 2 * 1) / 5, 15);
    expect(toArray(s1.y)).toEqual([1, 1, -1]);
    expect(toArray(s2.y)).toEqual([1, 1]);
  });

  it('gives the same bits on 2 threads as on one with centred labels', async () => {
    const { source } = unbalanced(6);
    const small = { ...cfg, m: 16, n1: 64, n2: 64, centerLabels: true };
    const one = pretrain(key(9), source, small);
    const two = await pretrainAsync(key(9), source, small, { threads: 2 });
    expect(Array.from(two.layer.w.data)).toEqual(Array.from(one.layer.w.data));
    expect(two.history[1].labelBalance).toBe(one.history[1].labelBalance);
  });

  it('refuses centring with a loss for ±1 labels, and a non-boolean value', () => {
    const { source } = unbalanced(2);
    expect(() =>
      pretrain(key(1), source, { ...cfg, loss: 'logistic', centerLabels: true }),
    ).toThrow(/centerLabels: .*'correlation' or 'square', got loss "logistic"/);
    expect(() =>
      pretrain(key(1), source, { ...cfg, centerLabels: 'yes' as unknown as boolean }),
    ).toThrow(/centerLabels: must be a boolean, got "yes"/);
  });
});

describe('divergence and non-finite input', () => {
  const [kg, ks] = split(key(6));
  const gt = groundTruth(kg, { d: 16, r: 2 });
  const source = suiteSource<'float64'>(gt, taskSuite(ks, { kind: 'halfspace' }, gt, 4));

  it('ends a diverging run with status diverged, the round and the reason', () => {
    const notes: string[] = [];
    const res = pretrain(
      key(0),
      source,
      { m: 16, n1: 64, n2: 64, alpha: 100, eta: 100, rounds: 20, loss: 'square' },
      { onNotice: (m) => notes.push(m) },
    );
    expect(res.status).toBe('diverged');
    expect(res.divergence?.round).toBeGreaterThanOrEqual(1);
    expect(res.divergence?.round).toBeLessThan(20);
    expect(res.history.at(-1)?.round).toBe(res.divergence?.round);
    expect(res.divergence?.reason).toMatch(/loss is (NaN|-?Infinity)|non-finite|overflows/);
    expect(notes.at(-1)).toMatch(new RegExp(`diverged in round ${res.divergence?.round}: `));
  });

  it('completes a stable run, without a divergence record', () => {
    const res = pretrain(key(0), source, { m: 16, n1: 64, n2: 64, alpha: 1, eta: 10, rounds: 3 });
    expect(res.status).toBe('completed');
    expect(res.divergence).toBeUndefined();
  });

  it('refuses an initial layer with NaN, and samples with NaN, naming them', () => {
    const layer = initLayer(key(1), { d: 16, m: 8 });
    layer.w.data[5] = Number.NaN;
    expect(() =>
      pretrain(
        key(0),
        source,
        { m: 8, n1: 8, n2: 8, alpha: 1, eta: 1, rounds: 1 },
        { initialLayer: layer },
      ),
    ).toThrow(/initialLayer.w has a non-finite entry \(NaN at flat index 5\)/);
    const poisoned: TaskSource<'float64'> = {
      tasks: 2,
      d: 16,
      sample(t, k, n, dtype) {
        const b = source.sample(t, k, n, dtype);
        if (t === 1) b.x.data[3] = Number.POSITIVE_INFINITY;
        return b;
      },
    };
    expect(() =>
      pretrain(key(0), poisoned, { m: 8, n1: 8, n2: 8, alpha: 1, eta: 1, rounds: 1 }),
    ).toThrow(
      /task 1's S1 samples in round 1: the inputs x contain a non-finite value: x\[0, 3\] = Infinity/,
    );
  });
});
