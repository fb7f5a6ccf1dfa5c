import { fromArray, toArray, transpose } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { applyUpdates, applyUpdatesInto } from './index.js';

describe('applyUpdates', () => {
  it('returns p + u and leaves the inputs unchanged', () => {
    const params = { w: fromArray([[1, 2]]), b: fromArray([3]) };
    const updates = { w: fromArray([[-0.5, 0.5]]), b: fromArray([1]) };
    const next = applyUpdates(params, updates);
    expect(toArray(next.w)).toEqual([[0.5, 2.5]]);
    expect(toArray(next.b)).toEqual([4]);
    expect(toArray(params.w)).toEqual([[1, 2]]);
    expect(toArray(updates.w)).toEqual([[-0.5, 0.5]]);
    expect(next.w.data).not.toBe(params.w.data);
  });

  it('keeps the dtype of each parameter and handles strided views', () => {
    const params = { w: transpose(fromArray([[1, 2]], { dtype: 'float32' })) }; // [[1], [2]]
    const next = applyUpdates(params, { w: fromArray([[0.25], [0.5]]) });
    expect(next.w.dtype).toBe('float32');
    expect(toArray(next.w)).toEqual([[1.25], [2.5]]);
  });

  it('rejects mismatched names or shapes', () => {
    const p = { w: fromArray([1, 2]) };
    expect(() => applyUpdates(p, { v: fromArray([1, 2]) })).toThrow(
      /applyUpdates: parameter names differ: params has 'w' but updates does not/,
    );
    expect(() => applyUpdates(p, { w: fromArray([1, 2]), b: fromArray([1]) })).toThrow(
      /applyUpdates: parameter names differ: updates has 'b' but params does not/,
    );
    expect(() => applyUpdates(p, { w: fromArray([[1, 2]]) })).toThrow(
      /applyUpdates: shape mismatch for 'w': params\.w is \[2\] but updates\.w is \[1, 2\]/,
    );
  });
});

describe('applyUpdatesInto', () => {
  it('adds in place', () => {
    const params = { w: fromArray([1, 2]) };
    const data = params.w.data;
    applyUpdatesInto(params, { w: fromArray([-0.5, 0.5]) });
    expect(toArray(params.w)).toEqual([0.5, 2.5]);
    expect(params.w.data).toBe(data);
  });

  it('writes nothing when a later name is missing', () => {
    const params = { a: fromArray([1]), b: fromArray([2]) };
    expect(() => applyUpdatesInto(params, { a: fromArray([1]) })).toThrow(
      /applyUpdatesInto: parameter names differ/,
    );
    expect(toArray(params.a)).toEqual([1]);
  });
});
