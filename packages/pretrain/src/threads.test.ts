import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { liveWorkers } from './_pool.js';
import {
  type PretrainConfig,
  type PretrainResult,
  pretrain,
  pretrainAsync,
  suiteSource,
  suiteSourceFromSpec,
  type TaskSource,
} from './index.js';

function setup(T = 5) {
  const [kg, ks] = split(key(11));
  const gt = groundTruth(kg, { d: 8, r: 2 });
  const suite = taskSuite(ks, { kind: 'halfspace', noise: 0.1 }, gt, T);
  return { gt, suite, source: suiteSource(gt, suite) };
}

const RUN = key(3);
const small: PretrainConfig = {
  m: 6,
  n1: 32,
  n2: 48,
  alpha: 0.5,
  eta: 3,
  rounds: 3,
  loss: 'logistic',
  trainBias: true,
  init: { bias: { kind: 'normal', std: 0.3 } },
  optimizer: { kind: 'adam' },
  normalizeRows: true,
};

// Element-by-element equality of every array and loss of two runs (NaN equals NaN).
function expectIdentical(a: PretrainResult, b: PretrainResult) {
  expect(a.layer.w.data.constructor).toBe(b.layer.w.data.constructor);
  expect(Array.from(a.layer.w.data)).toEqual(Array.from(b.layer.w.data));
  expect(Array.from(a.layer.b.data)).toEqual(Array.from(b.layer.b.data));
  expect(Array.from(a.heads.data)).toEqual(Array.from(b.heads.data));
  const losses = (r: PretrainResult) => r.history.map((h) => [h.round, h.headLoss, h.layerLoss]);
  expect(losses(a)).toEqual(losses(b));
}

// Each run starts its workers from the TypeScript sources (about a second each here).
describe('pretrainAsync on worker threads', { timeout: 300_000 }, () => {
  it('gives bit-for-bit the single-threaded result with 2 and 3 threads, float32 and float64', async () => {
    const { source } = setup();
    for (const dtype of ['float32', 'float64'] as const) {
      const cfg = { ...small, dtype };
      const one = pretrain(RUN, source, cfg);
      expectIdentical(await pretrainAsync(RUN, source, cfg, { threads: 1 }), one);
      for (const threads of [2, 3]) {
        const tasks: number[] = [];
        const res = await pretrainAsync(RUN, source, cfg, {
          threads,
          onTask: (e) => void tasks.push(e.task),
        });
        expect(res.layer.w.dtype).toBe(dtype);
        expectIdentical(res, one);
        // Task events still come in task order, round after round.
        expect(tasks).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
      }
    }
    expect(liveWorkers()).toBe(0);
  });

  it('matches with more tasks than the dispatch window (T = 14 on 2 threads), buffers reused', async () => {
    const { source } = setup(14);
    const cfg = { ...small, dtype: 'float32' as const };
    const tasks: number[] = [];
    const res = await pretrainAsync(RUN, source, cfg, {
      threads: 2,
      onTask: (e) => void tasks.push(e.task),
    });
    expectIdentical(res, pretrain(RUN, source, cfg));
    expect(tasks).toEqual([0, 1, 2].flatMap(() => Array.from({ length: 14 }, (_, t) => t)));
  });

  it('matches for fitted and fixed heads and without bias training', async () => {
    const { source } = setup(4);
    for (const extra of [
      { head: { mode: 'fit', l2: 0.01 }, trainBias: false },
      { head: { mode: 'fixed' }, headInit: { kind: 'normal', std: 1 }, loss: 'correlation' },
    ] as Partial<PretrainConfig>[]) {
      const cfg = { ...small, ...extra };
      expectIdentical(
        await pretrainAsync(RUN, source, cfg, { threads: 2 }),
        pretrain(RUN, source, cfg),
      );
    }
  });

  it('falls back to one thread, with a notice, for a source without a spec', async () => {
    const { source } = setup();
    const bare: TaskSource = { tasks: source.tasks, d: source.d, sample: source.sample };
    const notices: string[] = [];
    const res = await pretrainAsync(RUN, bare, small, {
      threads: 2,
      onNotice: (m) => void notices.push(m),
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/no spec.*one thread instead of 2/);
    expectIdentical(res, pretrain(RUN, source, small));
  });

  it('notes that the synchronous pretrain ignores threads', () => {
    const { source } = setup();
    const notices: string[] = [];
    pretrain(
      RUN,
      source,
      { ...small, rounds: 1 },
      { threads: 2, onNotice: (m) => void notices.push(m) },
    );
    expect(notices[0]).toMatch(/threads=2 ignored.*pretrainAsync/);
  });

  it("rejects with the worker's message when a worker throws, and terminates the workers", async () => {
    const { source } = setup();
    // The main thread never samples when threads > 1, so only the workers see the bad input kind.
    const broken: TaskSource = {
      ...source,
      spec: { ...source.spec!, inputs: { kind: 'bogus' } as never },
    };
    await expect(pretrainAsync(RUN, broken, small, { threads: 2 })).rejects.toThrow(/bogus/);
    expect(liveWorkers()).toBe(0);
  });

  it('honours an AbortSignal, keeping the finished rounds', async () => {
    const { source } = setup();
    const ctl = new AbortController();
    const res = await pretrainAsync(RUN, source, small, {
      threads: 2,
      signal: ctl.signal,
      onTask: (e) => (e.round === 2 && e.task === 1 ? ctl.abort() : undefined),
    });
    expect(res.status).toBe('aborted');
    expect(res.history.map((h) => h.round)).toEqual([0, 1]);
    expect(liveWorkers()).toBe(0);
  });

  it("validates threads: an integer >= 1 or 'auto'", async () => {
    const { source } = setup();
    for (const threads of [0, 1.5, -2, 'many'])
      await expect(
        pretrainAsync(RUN, source, small, { threads: threads as never }),
      ).rejects.toThrow(/options\.threads must be an integer >= 1 or 'auto', got/);
    expect(() => pretrain(RUN, source, small, { threads: 0 })).toThrow(/threads/);
    const auto = await pretrainAsync(RUN, source, { ...small, rounds: 1 }, { threads: 'auto' });
    expect(auto.status).toBe('completed');
  });
});

describe('suiteSourceFromSpec', () => {
  it('rebuilds a source that samples the same batches from a structured clone of the spec', () => {
    const { source } = setup();
    expect(source.spec).toBeDefined();
    const copy = suiteSourceFromSpec(structuredClone(source.spec!));
    for (const dtype of ['float32', 'float64'] as const) {
      const a = source.sample(3, key(5), 17, dtype);
      const b = copy.sample(3, key(5), 17, dtype);
      expect(Array.from(b.x.data)).toEqual(Array.from(a.x.data));
      expect(Array.from(b.y.data)).toEqual(Array.from(a.y.data));
    }
  });

  it('has no spec for custom tasks, and refuses a malformed spec', () => {
    const { gt } = setup();
    const custom = taskSuite(key(1), { kind: 'custom', fn: (z) => z[0] }, gt, 2);
    expect(suiteSource(gt, custom).spec).toBeUndefined();
    const { source } = setup();
    expect(() =>
      suiteSourceFromSpec({ ...source.spec!, gt: { ...source.spec!.gt, m: [1, 2] } }),
    ).toThrow(/expected r \* d = 16/);
  });
});
