import { fromArray, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, trajectory, values } from '../test/helpers.js';
import { chain, scaleByLearningRate, trace } from './index.js';

describe('trace', () => {
  it('accumulates heavy-ball momentum: m = g + 0.9 m', () => {
    const t = trace(0.9);
    let state = t.init({ w: fromArray([0, 0]) });
    const seen: number[][] = [];
    for (const g of [
      [1, -2],
      [0.5, 1],
      [-1, 0],
    ]) {
      const [u, next] = t.update({ w: fromArray(g) }, state);
      seen.push(values(u.w));
      expect(values(next.trace.w)).toEqual(values(u.w));
      state = next;
    }
    // m1 = [1, -2]; m2 = [0.5 + 0.9, 1 - 1.8] = [1.4, -0.8]; m3 = [-1 + 1.26, 0 - 0.72]
    expectClose(seen, [
      [1, -2],
      [1.4, -0.8],
      [0.26, -0.72],
    ]);
  });

  it('gives the Nesterov update g + 0.9 m', () => {
    const t = trace(0.9, true);
    let state = t.init({ w: fromArray([0, 0]) });
    const seen: number[][] = [];
    for (const g of [
      [1, -2],
      [0.5, 1],
      [-1, 0],
    ]) {
      const [u, next] = t.update({ w: fromArray(g) }, state);
      seen.push(values(u.w));
      state = next;
    }
    // m as above; u = g + 0.9 m: [1.9, -3.8], [0.5 + 1.26, 1 - 0.72], [-1 + 0.234, -0.648]
    expectClose(seen, [
      [1.9, -3.8],
      [1.76, 0.28],
      [-0.766, -0.648],
    ]);
  });

  it('with a learning rate, gives SGD with momentum', () => {
    // w - 0.1 m: [0.9, -1.8], [0.9 - 0.14, -1.8 + 0.08], [0.76 - 0.026, -1.72 + 0.072]
    expectClose(trajectory(chain(trace(0.9), scaleByLearningRate(0.1))), [
      [0.9, -1.8],
      [0.76, -1.72],
      [0.734, -1.648],
    ]);
  });

  it('returns updates that do not alias the state', () => {
    const t = trace(0.5);
    const [u, s] = t.update({ w: fromArray([2]) }, t.init({ w: fromArray([0]) }));
    u.w.data[0] = 100;
    expect(toArray(s.trace.w)).toEqual([2]);
  });

  it('rejects bad arguments and mismatched names or shapes', () => {
    expect(() => trace(1)).toThrow(/trace: decay must be a finite number in \[0, 1\), got 1/);
    expect(() => trace(-0.1)).toThrow(/trace: decay must be a finite number in \[0, 1\)/);
    expect(() => trace(Number.NaN)).toThrow(/got NaN/);
    expect(() => trace(0.9, 'yes' as unknown as boolean)).toThrow(
      /trace: nesterov must be a boolean/,
    );
    const t = trace(0.9);
    const s = t.init({ w: fromArray([0, 0]) });
    expect(() => t.update({ v: fromArray([0, 0]) }, s)).toThrow(
      /trace\.update: parameter names differ: grads has 'v' but state\.trace does not \(state\.trace has 'w'\)/,
    );
    expect(() => t.update({ w: fromArray([0, 0]), b: fromArray([0]) }, s)).toThrow(/'b'/);
    expect(() => t.update({ w: fromArray([0, 0, 0]) }, s)).toThrow(
      /trace\.update: shape mismatch for 'w': grads\.w is \[3\] but state\.trace\.w is \[2\]/,
    );
  });
});
