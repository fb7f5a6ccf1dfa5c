import { fromArray, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory } from '../test/helpers.js';
import { addDecayedWeights, chain, scaleByLearningRate } from './index.js';

describe('addDecayedWeights', () => {
  it('adds weightDecay * p to the updates', () => {
    const t = addDecayedWeights(0.5);
    const p = { w: fromArray([2, -4]) };
    const [u, s] = t.update({ w: fromArray([1, 1]) }, t.init(p), p);
    expect(toArray(u.w)).toEqual([2, -1]);
    expect(s).toEqual({});
  });

  it('before the learning rate, shrinks w by (1 - lr * wd) each step', () => {
    // w <- 0.99 w - 0.1 g: [0.89, -1.78], [0.8811 - 0.05, -1.7622 - 0.1], [0.822789 + 0.1, -1.843578]
    expectClose(trajectory(chain(addDecayedWeights(0.1), scaleByLearningRate(0.1))), [
      [0.89, -1.78],
      [0.8311, -1.8622],
      [0.922789, -1.843578],
    ]);
  });

  it('requires params with the gradient names and shapes', () => {
    const t = addDecayedWeights(0.1);
    const g = { w: fromArray([1, 1]) };
    const s = t.init(g);
    expect(() => t.update(g, s)).toThrow(/addDecayedWeights\.update: params are required/);
    expect(() => t.update(g, s, { v: fromArray([1, 1]) })).toThrow(
      /addDecayedWeights\.update: parameter names differ: grads has 'w' but params does not/,
    );
    expect(() => t.update(g, s, { w: fromArray([1]) })).toThrow(
      /shape mismatch for 'w': grads\.w is \[2\] but params\.w is \[1\]/,
    );
  });

  it('rejects a negative or non-finite decay', () => {
    expect(() => addDecayedWeights(-1e-4)).toThrow(
      /addDecayedWeights: weightDecay must be a finite number >= 0, got -0.0001/,
    );
    expect(() => addDecayedWeights(Number.POSITIVE_INFINITY)).toThrow(/weightDecay.*Infinity/);
  });
});
