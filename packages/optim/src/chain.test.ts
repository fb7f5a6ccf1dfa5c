import { fromArray, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, values } from '../test/helpers.js';
import { chain, clipByGlobalNorm, scaleByLearningRate, trace } from './index.js';

describe('chain', () => {
  it('applies transforms left to right', () => {
    const g = { w: fromArray([3, 4]) };
    const clipThenScale = chain(clipByGlobalNorm(1), scaleByLearningRate(2));
    const scaleThenClip = chain(scaleByLearningRate(2), clipByGlobalNorm(1));
    // [3, 4] -> [0.6, 0.8] -> [-1.2, -1.6]   versus   [3, 4] -> [-6, -8] -> [-0.6, -0.8]
    expectClose(values(clipThenScale.update(g, clipThenScale.init(g))[0].w), [-1.2, -1.6]);
    expectClose(values(scaleThenClip.update(g, scaleThenClip.init(g))[0].w), [-0.6, -0.8]);
  });

  it('keeps one state per transform, in order', () => {
    const opt = chain(trace(0.5), scaleByLearningRate(1));
    const p = { w: fromArray([0]) };
    const s0 = opt.init(p);
    expect(s0).toHaveLength(2);
    const [, s1] = opt.update({ w: fromArray([2]) }, s0, p);
    expect(toArray(s1[0].trace.w)).toEqual([2]);
    expect(s1[1].count).toBe(1);
    expect(s0[1].count).toBe(0);
  });

  it('with no transforms, passes gradients through', () => {
    const opt = chain();
    const g = { w: fromArray([1]) };
    const [u, s] = opt.update(g, opt.init(g));
    expect(u).toBe(g);
    expect(s).toEqual([]);
  });

  it('rejects non-transforms and a state of the wrong length', () => {
    expect(() => chain(trace(0.9), {} as never)).toThrow(
      /chain: transforms\[1\] must be a transform/,
    );
    const opt = chain(trace(0.9), scaleByLearningRate(1));
    const g = { w: fromArray([1]) };
    const [s] = opt.init(g);
    expect(() => opt.update(g, [s] as never)).toThrow(
      /chain\.update: state must be an array of 2 states \(one per transform\), got an array of 1/,
    );
  });
});
