import { describe, expect, it } from 'vitest';
import { parseStudy } from '../config.js';
import { trainMethod } from '../methods.js';
import { downstreamAccuracy, seedContext } from '../setting.js';
import { DownstreamEvaluator } from './downstream.js';

const cfg = (sampler: 'explicit' | 'projected') =>
  parseStudy({
    groundTruth: { d: 64, r: 2 },
    pretrain: { T: 8, m: 16, n1: 256, n2: 256, eta: 1000, sampler },
    downstream: { nTrain: 100, nTest: 400, sampler },
  });

describe('DownstreamEvaluator', () => {
  for (const sampler of ['explicit', 'projected'] as const)
    it(`scores as downstreamAccuracy does, with the ${sampler} sampler`, () => {
      const c = cfg(sampler);
      const ctx = seedContext(c, 0);
      const rep = trainMethod('multiTask', ctx, c);
      const evaluator = new DownstreamEvaluator(ctx, c);
      const acc = evaluator.testAccuracy(rep.features);
      const direct = downstreamAccuracy(rep.features, ctx, c);
      for (const [task, score] of Object.entries(direct)) {
        expect(acc[task]).toBe(score.testAccuracy);
        expect(evaluator.majorityRate(rep.features)[task]).toBeCloseTo(score.majorityRate, 12);
      }
    });

  it('with the projected sampler, needs a scored feature map for the majority rate', () => {
    const c = cfg('projected');
    const evaluator = new DownstreamEvaluator(seedContext(c, 0), c);
    expect(() => evaluator.majorityRate()).toThrow(/score the feature map first/);
  });
});
