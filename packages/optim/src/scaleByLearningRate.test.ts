import { fromArray, toArray, transpose } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory } from '../test/helpers.js';
import { scaleByLearningRate } from './index.js';

describe('scaleByLearningRate', () => {
  it('is plain SGD: w <- w - 0.1 g over three steps', () => {
    // [1, -2] - 0.1 [1, -2] = [0.9, -1.8]; - 0.1 [0.5, 1] = [0.85, -1.9]; - 0.1 [-1, 0] = [0.95, -1.9]
    expectClose(trajectory(scaleByLearningRate(0.1)), [
      [0.9, -1.8],
      [0.85, -1.9],
      [0.95, -1.9],
    ]);
  });

  it('evaluates a schedule at the step count, starting from 0', () => {
    const seen: number[] = [];
    const t = scaleByLearningRate((step) => {
      seen.push(step);
      return 0.1 * (step + 1);
    });
    // lr = 0.1, 0.2, 0.3: [1,-2] -> [0.9,-1.8] -> [0.8,-2.0] -> [1.1,-2.0]
    expectClose(trajectory(t), [
      [0.9, -1.8],
      [0.8, -2],
      [1.1, -2],
    ]);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('counts steps in a new state and leaves the old one alone', () => {
    const t = scaleByLearningRate(1);
    const s0 = t.init({ w: fromArray([0]) });
    const [, s1] = t.update({ w: fromArray([1]) }, s0);
    expect(s0).toEqual({ count: 0 });
    expect(s1).toEqual({ count: 1 });
  });

  it('reads strided gradients in their logical order', () => {
    const g = transpose(
      fromArray([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ); // [[1, 4], [2, 5], [3, 6]]
    const t = scaleByLearningRate(2);
    const [u] = t.update({ g }, t.init({ g }));
    expect(toArray(u.g)).toEqual([
      [-2, -8],
      [-4, -10],
      [-6, -12],
    ]);
  });

  it('rejects bad learning rates, also from a schedule', () => {
    expect(() => scaleByLearningRate(-0.1)).toThrow(
      /scaleByLearningRate: learningRate must be a finite number >= 0, got -0.1/,
    );
    expect(() => scaleByLearningRate(Number.NaN)).toThrow(/learningRate.*got NaN/);
    expect(() => scaleByLearningRate('0.1' as unknown as number)).toThrow(TypeError);
    const t = scaleByLearningRate(() => -1);
    const p = { w: fromArray([1]) };
    expect(() => t.update(p, t.init(p))).toThrow(
      /scaleByLearningRate\.update: the learning rate at step 0 must be a finite number >= 0, got -1/,
    );
  });

  it('rejects a corrupt state and non-tensor gradients', () => {
    const t = scaleByLearningRate(1);
    const p = { w: fromArray([1]) };
    expect(() => t.update(p, { count: -1 })).toThrow(/state\.count must be a non-negative integer/);
    expect(() => t.update(p, null as never)).toThrow(/scaleByLearningRate\.update: state must be/);
    expect(() => t.update({ w: [1] as never }, { count: 0 })).toThrow(
      /scaleByLearningRate\.update: grads\.w must be a Tensor/,
    );
  });
});
