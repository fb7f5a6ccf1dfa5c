import { fromArray, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory } from '../test/helpers.js';
import { applyUpdates, sgd } from './index.js';

describe('sgd', () => {
  it('without options is w <- w - lr g', () => {
    expectClose(trajectory(sgd(0.1)), [
      [0.9, -1.8],
      [0.85, -1.9],
      [0.95, -1.9],
    ]);
  });

  it('with momentum follows the heavy-ball sequence', () => {
    // m = [1, -2], [1.4, -0.8], [0.26, -0.72]; w - 0.1 m
    expectClose(trajectory(sgd(0.1, { momentum: 0.9 })), [
      [0.9, -1.8],
      [0.76, -1.72],
      [0.734, -1.648],
    ]);
  });

  it('with Nesterov momentum steps along g + momentum * m', () => {
    // u = [1.9, -3.8], [1.76, 0.28], [-0.766, -0.648]; w - 0.1 u
    expectClose(trajectory(sgd(0.1, { momentum: 0.9, nesterov: true })), [
      [0.81, -1.62],
      [0.634, -1.648],
      [0.7106, -1.5832],
    ]);
  });

  it('adds L2 weight decay to the gradient, before momentum', () => {
    // d = g + 0.1 w, m = d + 0.9 m, w <- w - 0.1 m:
    // d1 = [1.1, -2.2] = m1, w1 = [0.89, -1.78]
    // d2 = [0.589, 0.822], m2 = [1.579, -1.158], w2 = [0.7321, -1.6642]
    // d3 = [-0.92679, -0.16642], m3 = [0.49431, -1.20862], w3 = [0.682669, -1.543338]
    expectClose(trajectory(sgd(0.1, { momentum: 0.9, weightDecay: 0.1 })), [
      [0.89, -1.78],
      [0.7321, -1.6642],
      [0.682669, -1.543338],
    ]);
  });

  it('works on float32 parameters', () => {
    expectClose(
      trajectory(sgd(0.1, { momentum: 0.9 }), { dtype: 'float32' }),
      [
        [0.9, -1.8],
        [0.76, -1.72],
        [0.734, -1.648],
      ],
      0,
      1e-6,
    );
  });

  it('keeps the same state layout whatever the options', () => {
    const p = { w: fromArray([1]) };
    expect(sgd(0.1).init(p)).toEqual([{}, {}, { count: 0 }]);
    const s = sgd(0.1, { momentum: 0.5, weightDecay: 0.1 }).init(p);
    expect(s).toHaveLength(3);
    expect(s[2]).toEqual({ count: 0 });
  });

  it('does not mutate params, grads or the previous state', () => {
    const opt = sgd(0.1, { momentum: 0.9, weightDecay: 0.1 });
    let params: { w: Vector } = { w: fromArray([1, -2]) };
    let state = opt.init(params);
    for (const g of [
      [1, -2],
      [0.5, 1],
    ]) {
      const grads = { w: fromArray(g) };
      const before = structuredClone({ params, grads, state });
      const [updates, next] = opt.update(grads, state, params);
      const after = applyUpdates(params, updates);
      expect({ params, grads, state }).toEqual(before);
      params = after;
      state = next;
    }
  });

  it('rejects bad options with the alias name', () => {
    expect(() => sgd(-1)).toThrow(/sgd: learningRate must be a finite number >= 0, got -1/);
    expect(() => sgd(0.1, { momentum: 1 })).toThrow(
      /sgd: momentum must be a finite number in \[0, 1\), got 1/,
    );
    expect(() => sgd(0.1, { weightDecay: -0.1 })).toThrow(/sgd: weightDecay must be a finite/);
    expect(() => sgd(0.1, { nesterov: true })).toThrow(/sgd: nesterov needs momentum > 0/);
    expect(() => sgd(0.1, null as never)).toThrow(/sgd: options must be an object/);
    const opt = sgd(0.1, { weightDecay: 0.1 });
    const p = { w: fromArray([1]) };
    expect(() => opt.update(p, opt.init(p))).toThrow(
      /addDecayedWeights\.update: params are required/,
    );
  });
});
