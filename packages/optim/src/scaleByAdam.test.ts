import { fromArray, toArray, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { expectClose, GRADS, values } from '../test/helpers.js';
import { scaleByAdam } from './index.js';

describe('scaleByAdam', () => {
  it('matches the bias-corrected moments step by step', () => {
    const t = scaleByAdam(0.9, 0.999, 1e-8);
    let state = t.init({ w: zeros([2]) });
    const mu: number[][] = [];
    const nu: number[][] = [];
    const us: number[][] = [];
    for (const g of GRADS) {
      const [u, next] = t.update({ w: fromArray(g) }, state);
      state = next;
      mu.push(values(state.mu.w));
      nu.push(values(state.nu.w));
      us.push(values(u.w));
    }
    expect(state.count).toBe(3);
    // mu_t = 0.9 mu + 0.1 g: [0.1, -0.2], [0.09 + 0.05, -0.18 + 0.1], [0.126 - 0.1, -0.072]
    expectClose(mu, [
      [0.1, -0.2],
      [0.14, -0.08],
      [0.026, -0.072],
    ]);
    // nu_t = 0.999 nu + 0.001 g^2: [0.001, 0.004], [0.000999 + 0.00025, 0.003996 + 0.001], ...
    expectClose(nu, [
      [0.001, 0.004],
      [0.001249, 0.004996],
      [0.002247751, 0.004991004],
    ]);
    // u = (mu / (1 - 0.9^t)) / (sqrt(nu / (1 - 0.999^t)) + 1e-8); at t = 1 that is g / (|g| + eps).
    // t = 2: 0.14 / 0.19 = 0.736842..., sqrt(0.001249 / 0.001999) = 0.790451..., ratio 0.932180...
    expectClose(us, [
      [1 / (1 + 1e-8), -2 / (2 + 1e-8)],
      [0.9321796270183889, -0.2663370379756845],
      [0.11078307004289392, -0.2058793019898993],
    ]);
  });

  it('counts its own steps from the state it is given', () => {
    const t = scaleByAdam();
    const p = { w: fromArray([1]) };
    const s0 = t.init(p);
    const [, s1] = t.update(p, s0);
    const [, s2a] = t.update(p, s1);
    const [, s2b] = t.update(p, s1); // replaying from s1 gives the same state
    expect(s0.count).toBe(0);
    expect(s1.count).toBe(1);
    expect(s2a).toEqual(s2b);
    expect(toArray(s0.mu.w)).toEqual([0]);
  });

  it('keeps float32 moments for float32 parameters', () => {
    const t = scaleByAdam();
    const s = t.init({ w: zeros([2], { dtype: 'float32' }) });
    expect(s.mu.w.dtype).toBe('float32');
    const [u, s1] = t.update({ w: fromArray([0.5, -1], { dtype: 'float32' }) }, s);
    expect(s1.nu.w.dtype).toBe('float32');
    expect(u.w.dtype).toBe('float32');
    expectClose(values(u.w), [1, -1], 1e-6);
  });

  it('rejects bad hyperparameters and states', () => {
    expect(() => scaleByAdam(1)).toThrow(
      /scaleByAdam: b1 must be a finite number in \[0, 1\), got 1/,
    );
    expect(() => scaleByAdam(0.9, -0.5)).toThrow(
      /scaleByAdam: b2 must be a finite number in \[0, 1\), got -0.5/,
    );
    expect(() => scaleByAdam(0.9, 0.999, -1)).toThrow(
      /scaleByAdam: eps must be a finite number >= 0/,
    );
    expect(() => scaleByAdam(Number.NaN)).toThrow(/b1.*NaN/);
    const t = scaleByAdam();
    const s = t.init({ w: zeros([2]) });
    expect(() => t.update({ w: zeros([3]) }, s)).toThrow(
      /scaleByAdam\.update: shape mismatch for 'w': grads\.w is \[3\] but state\.mu\.w is \[2\]/,
    );
    expect(() => t.update({ w: zeros([2]) }, { ...s, nu: {} })).toThrow(
      /scaleByAdam\.update: parameter names differ: grads has 'w' but state\.nu does not/,
    );
    expect(() => t.update({ w: zeros([2]) }, { ...s, count: 1.5 })).toThrow(/state\.count/);
  });
});
