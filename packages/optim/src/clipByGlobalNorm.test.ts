import { fromArray, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory, values } from '../test/helpers.js';
import { chain, clipByGlobalNorm, scaleByLearningRate } from './index.js';

describe('clipByGlobalNorm', () => {
  it('scales all tensors together to the maximum norm', () => {
    const t = clipByGlobalNorm(1);
    const g = { w: fromArray([[3, 0]]), b: fromArray([4]) }; // global norm 5
    const [u] = t.update(g, t.init(g));
    expectClose(values(u.w), [0.6, 0]);
    expectClose(values(u.b), [0.8]);
    expect(u.w.shape).toEqual([1, 2]);
  });

  it('leaves updates within the norm unchanged (as copies)', () => {
    const t = clipByGlobalNorm(1);
    const g = { w: fromArray([0.3, 0.4]) };
    const [u] = t.update(g, t.init(g));
    expect(toArray(u.w)).toEqual([0.3, 0.4]);
    expect(u.w).not.toBe(g.w);
  });

  it('clips each step before the learning rate', () => {
    // norms sqrt(5), sqrt(1.25), 1 with maxNorm 1: g / |g|, g / |g|, g
    const s5 = Math.sqrt(5);
    const s125 = Math.sqrt(1.25);
    const w1 = [1 - 0.1 / s5, -2 + 0.2 / s5];
    const w2 = [w1[0] - 0.05 / s125, w1[1] - 0.1 / s125];
    const w3 = [w2[0] + 0.1, w2[1]];
    expectClose(trajectory(chain(clipByGlobalNorm(1), scaleByLearningRate(0.1))), [w1, w2, w3]);
  });

  it('rejects a maximum norm that is not positive and finite', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(
      /clipByGlobalNorm: maxNorm must be a finite number > 0, got 0/,
    );
    expect(() => clipByGlobalNorm(Number.NaN)).toThrow(/maxNorm.*NaN/);
  });
});
