import { initLayer, type LossName } from '@mtrl/network';
import { batchKey, groundTruth, taskSuite } from '@mtrl/tasks';
import { copy, key, normal, split, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { runTask, type TaskContext, taskWorkspace } from './_runTask.js';
import {
  headStep,
  layerGradient,
  type PretrainConfig,
  type PretrainResult,
  pretrain,
  suiteSource,
  type TaskSource,
  taskStep,
} from './index.js';

function source(dtype: 'float32' | 'float64', T = 4) {
  const [kg, ks] = split(key(21));
  const gt = groundTruth(kg, { d: 9, r: 2, dtype });
  return suiteSource(gt, taskSuite(ks, { kind: 'halfspace', noise: 0.1 }, gt, T));
}

function same(a: PretrainResult, b: PretrainResult) {
  expect(Array.from(a.layer.w.data)).toEqual(Array.from(b.layer.w.data));
  expect(Array.from(a.layer.b.data)).toEqual(Array.from(b.layer.b.data));
  expect(Array.from(a.heads.data)).toEqual(Array.from(b.heads.data));
  const losses = (r: PretrainResult) => r.history.map((h) => [h.headLoss, h.layerLoss]);
  expect(losses(a)).toEqual(losses(b));
}

const heads: Partial<PretrainConfig>[] = [
  {},
  { head: { mode: 'step', steps: 3 }, trainBias: true },
  { head: { mode: 'fit', l2: 0.01 }, trainBias: true, loss: 'logistic' },
  { head: { mode: 'fixed' }, headInit: { kind: 'normal', std: 1 } },
];

describe('reused task workspaces', () => {
  it('runTask into one reused workspace equals taskStep on freshly sampled batches', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const src = source(dtype, 5);
      for (const extra of heads) {
        const n1 = 23;
        const n2 = extra.head?.mode === 'fixed' ? 31 : 17; // S1 larger, then smaller than S2
        const ctx: TaskContext = {
          dtype,
          n1,
          n2,
          dataKey: key(4),
          alpha: 0.7,
          centerLabels: false,
          weights: [0.25, 0.25, 0.25, 0.25, 0.25],
          sharedHead: false,
          headSamples: extra.head?.mode !== 'fixed',
        };
        const step = {
          loss: (extra.loss ?? 'correlation') as LossName,
          alpha: 0.7,
          head: extra.head ?? { mode: 'step' },
          weight: 0.25,
        } as const;
        const pieces = {
          headStep: headStep(step.head),
          layerGradient: layerGradient('layer'),
          loss: step.loss,
        };
        const layer = initLayer(key(5), { d: 9, m: 6, bias: { kind: 'normal', std: 0.3 }, dtype });
        const ws = taskWorkspace<typeof dtype>(ctx, 6, 9);
        const out = {
          w: normal(key(6), [6, 9] as const, { dtype }),
          b: zeros([6] as const, { dtype }),
        };
        for (let t = 0; t < 5; t++) {
          const head = normal(key(7 + t), [6] as const, { dtype });
          const got = runTask(src, ctx, pieces, layer, head, 2, t, out, ws);
          const want = { w: zeros([6, 9] as const, { dtype }), b: zeros([6] as const, { dtype }) };
          const s1 = src.sample(t, batchKey(ctx.dataKey, 2, t, 'head'), n1, dtype);
          const s2 = src.sample(t, batchKey(ctx.dataKey, 2, t, 'layer'), n2, dtype);
          const ref = taskStep(layer, copy(head), s1, s2, step, want);
          expect(Array.from(out.w.data)).toEqual(Array.from(want.w.data));
          expect(Array.from(out.b.data)).toEqual(Array.from(want.b.data));
          expect(Array.from(got.head.data)).toEqual(Array.from(ref.head.data));
          expect([got.headLoss, got.layerLoss, got.headConverged]).toEqual([
            ref.headLoss,
            ref.layerLoss,
            ref.headConverged,
          ]);
        }
      }
    }
  });

  it('pretrain gives the same run with a source that has no sampleInto', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const src = source(dtype);
      expect(src.sampleInto).toBeTypeOf('function');
      const plain: TaskSource<typeof dtype> = { tasks: src.tasks, d: src.d, sample: src.sample };
      for (const extra of heads) {
        const cfg: PretrainConfig = {
          m: 5,
          n1: 19,
          n2: 26,
          alpha: 0.5,
          eta: 2,
          rounds: 2,
          dtype,
          ...extra,
        };
        same(pretrain(key(8), src, cfg), pretrain(key(8), plain, cfg));
      }
    }
  });
});
