import { fromArray, type Matrix, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory } from '../test/helpers.js';
import { adam, adamw, applyUpdates } from './index.js';

describe('adamw', () => {
  it('follows the hand-computed sequence w <- w - lr (adam + wd w)', () => {
    // u_t as in scaleByAdam.test.ts; w1 = [1, -2] - 0.1 ([1, -1] + 0.5 [1, -2]) = [0.85, -1.8]
    // w2 = w1 - 0.1 (u2 + 0.5 w1) = [0.85 - 0.093218 - 0.0425, -1.8 + 0.026634 + 0.09]
    expectClose(trajectory(adamw(0.1, { weightDecay: 0.5 })), [
      [0.850000001, -1.8000000005],
      [0.714282038248161, -1.683366296677431],
      [0.667489629331464, -1.57861005164457],
    ]);
  });

  it('with weightDecay 0 is adam', () => {
    expectClose(trajectory(adamw(0.1, { weightDecay: 0 })), trajectory(adam(0.1)), 0);
  });

  it('defaults weightDecay to 1e-4', () => {
    const p = { w: fromArray([2]) };
    const g = { w: fromArray([1]) };
    const opt = adamw(1, { eps: 0 });
    const [u] = opt.update(g, opt.init(p), p);
    expectClose(Array.from(u.w.data), [-(1 + 1e-4 * 2)]);
  });

  it('does not mutate params, grads or the previous state', () => {
    const opt = adamw(0.1, { weightDecay: 0.5 });
    let params: { w: Matrix; b: Vector } = { w: fromArray([[1, -2]]), b: fromArray([0.5]) };
    let state = opt.init(params);
    for (let k = 0; k < 3; k++) {
      const grads = { w: fromArray([[0.5, k]]), b: fromArray([-1]) };
      const before = structuredClone({ params, grads, state });
      const [updates, next] = opt.update(grads, state, params);
      const after = applyUpdates(params, updates);
      expect({ params, grads, state }).toEqual(before);
      params = after;
      state = next;
    }
    expect(state[0].count).toBe(3);
    expect(state[2].count).toBe(3);
  });

  it('needs params, and rejects bad options with the alias name', () => {
    const opt = adamw(0.1);
    const p = { w: fromArray([1]) };
    expect(() => opt.update(p, opt.init(p))).toThrow(
      /addDecayedWeights\.update: params are required/,
    );
    expect(() => adamw(0.1, { weightDecay: -1 })).toThrow(
      /adamw: weightDecay must be a finite number >= 0, got -1/,
    );
    expect(() => adamw(0.1, { b1: -0.1 })).toThrow(/adamw: b1 must be a finite number in \[0, 1\)/);
    expect(() => adamw(-0.1)).toThrow(/adamw: learningRate/);
  });
});
