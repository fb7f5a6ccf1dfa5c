import { checkFinite, checkNumber, checkSize, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { adam, chain, scaleByLearningRate, sgd, stepSchedule, trace } from './index.js';

// The same mistake gives the same error type (and message shape) as in @mtrl/tensors.
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('validation shared with @mtrl/tensors', () => {
  it('a value of the wrong type is a TypeError, as in tensors', () => {
    expect(() => sgd('0.1' as unknown as number)).toThrow(
      new TypeError('sgd: learningRate must be a number or a schedule function, got "0.1"'),
    );
    const mine = errorOf(() => adam(0.1, { b1: '0.9' as unknown as number }));
    const theirs = errorOf(() =>
      checkNumber('adam', 'b1', '0.9', { min: 0, max: 1, maxExclusive: true }),
    );
    expect(mine).toBeInstanceOf(TypeError);
    expect(theirs).toBeInstanceOf(TypeError);
    expect(mine.message).toBe(theirs.message);
    expect(() => adam(0.1, { b1: '0.9' as unknown as number })).toThrow(TypeError);
    expect(() => trace(0.9, '1' as unknown as boolean)).toThrow(TypeError);
    expect(() => adam(0.1, 3 as never)).toThrow(
      new TypeError('adam: options must be an object, got 3'),
    );
  });

  it('a number out of range is a RangeError, as in tensors', () => {
    const mine = errorOf(() => scaleByLearningRate(Number.NaN));
    const theirs = errorOf(() => checkFinite('scaleByLearningRate', 'learningRate', Number.NaN));
    expect(mine).toBeInstanceOf(RangeError);
    expect(theirs).toBeInstanceOf(RangeError);
    expect(() => sgd(0.1, { momentum: 1 })).toThrow(RangeError);
    const count = errorOf(() => {
      const t = scaleByLearningRate(0.1);
      t.update({ w: zeros([1]) }, { count: 1.5 });
    });
    expect(count).toBeInstanceOf(RangeError);
    expect(count.message).toBe(
      errorOf(() => checkSize('scaleByLearningRate.update', 'state.count', 1.5)).message,
    );
  });

  it('a right-typed but inconsistent argument is a RangeError', () => {
    expect(() => stepSchedule(1, {} as never)).toThrow(RangeError);
    const opt = chain(trace(0.9));
    const p = { w: zeros([2]) };
    expect(() => opt.update(p, [] as never)).toThrow(RangeError);
    expect(() => opt.update(p, {} as never)).toThrow(TypeError);
  });
});
