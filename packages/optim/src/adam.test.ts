import { fromArray, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory } from '../test/helpers.js';
import { adam, applyUpdates, cosineDecaySchedule } from './index.js';

// w - 0.1 u with the Adam directions u of scaleByAdam.test.ts:
// u1 = g / (|g| + eps), u2 = [0.93217962701839, -0.26633703797568], u3 = [0.11078307004289, -0.20587930198990]
const ADAM_W = [
  [0.900000001, -1.9000000005],
  [0.806782038298161, -1.873366296702432],
  [0.795703731293872, -1.852778366503442],
];

describe('adam', () => {
  it('follows the hand-computed sequence', () => {
    expectClose(trajectory(adam(0.1)), ADAM_W);
  });

  it('passes b1, b2 and eps through', () => {
    // b1 = 0, b2 = 0: u = g / (|g| + eps), every step (sign descent)
    const eps = 0.5;
    const sign = (g: number) => g / (Math.abs(g) + eps);
    expectClose(trajectory(adam(0.1, { b1: 0, b2: 0, eps })), [
      [1 - 0.1 * sign(1), -2 - 0.1 * sign(-2)],
      [1 - 0.1 * (sign(1) + sign(0.5)), -2 - 0.1 * (sign(-2) + sign(1))],
      [1 - 0.1 * (sign(1) + sign(0.5) + sign(-1)), -2 - 0.1 * (sign(-2) + sign(1))],
    ]);
  });

  it('works on float32 parameters', () => {
    expectClose(trajectory(adam(0.1), { dtype: 'float32' }), ADAM_W, 0, 1e-6);
  });

  it('minimises an ill-conditioned quadratic', () => {
    // f(w) = 1/2 sum a_i (w_i - c_i)^2, gradient a * (w - c); curvatures span 1e3.
    const a = [1, 10, 1000];
    const c = [1, -2, 0.5];
    const steps = 600;
    const opt = adam(cosineDecaySchedule(0.1, steps));
    let params: { w: Vector } = { w: fromArray([0, 0, 0]) };
    let state = opt.init(params);
    for (let k = 0; k < steps; k++) {
      const w = params.w.data;
      const grads = { w: fromArray(a.map((ai, i) => ai * (w[i] - c[i]))) };
      const [updates, next] = opt.update(grads, state, params);
      params = applyUpdates(params, updates);
      state = next;
    }
    expectClose(Array.from(params.w.data), c, 1e-3);
    expect(state[0].count).toBe(steps);
  });

  it('rejects bad options with the alias name', () => {
    expect(() => adam(Number.NaN)).toThrow(/adam: learningRate must be a finite number >= 0/);
    expect(() => adam(0.1, { b1: 1 })).toThrow(
      /adam: b1 must be a finite number in \[0, 1\), got 1/,
    );
    expect(() => adam(0.1, { b2: 1.5 })).toThrow(/adam: b2 must be a finite number in \[0, 1\)/);
    expect(() => adam(0.1, { eps: -1 })).toThrow(/adam: eps must be a finite number >= 0/);
  });
});
