import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';

describe('smoke', () => {
  it('works', () => {
    const k = T.key(0);
    const x = T.normal(k, [1000, 50]);
    expect(T.mean(x)).toBeCloseTo(0, 1);
    const c = T.matmul(x, x, { transA: true });
    expect(c.shape).toEqual([50, 50]);
    expect(T.toArray(T.relu(T.fromArray([-1, 0, 2])))).toEqual([0, 0, 2]);
    expect(T.toArray(T.reluMask(T.fromArray([-1, 0, 2])))).toEqual([0, 0, 1]);
  });
});
