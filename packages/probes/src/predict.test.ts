import { fromArray, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { decisionFunction, fitLinearProbe, predict, score } from './index.js';

describe('predict, decisionFunction, score', () => {
  it('score is the fraction of matching signs, with sign(0) = +1', () => {
    const probe = {
      ...fitLinearProbe(fromArray([[0], [1]]), fromArray([-1, 1])),
      weights: fromArray([1]),
      intercept: -1,
    };
    expect(toArray(decisionFunction(probe, fromArray([[0], [1], [3]])))).toEqual([-1, 0, 2]);
    expect(toArray(predict(probe, fromArray([[0], [1], [3]])))).toEqual([-1, 1, 1]);
    expect(score(probe, fromArray([[0], [1], [3], [2]]), fromArray([-1, 1, 1, -1]))).toBe(0.75);
  });

  it('refuse features of the wrong width', () => {
    const probe = fitLinearProbe(
      fromArray([
        [0, 1],
        [1, 0],
      ]),
      fromArray([-1, 1]),
    );
    expect(() => predict(probe, fromArray([[1, 2, 3]]))).toThrow(
      /predict: x has shape \[1, 3\], expected \[n, 2\]/,
    );
    expect(() => score(probe, fromArray([[1, 2]]), fromArray([1, 1]))).toThrow(
      /score: y has shape \[2\], expected \[1\]/,
    );
    expect(() => decisionFunction({} as never, fromArray([[1, 2]]))).toThrow(
      /decisionFunction: probe must be a Predictor \(an object with decision\(features\)\), such as a LinearProbe/,
    );
    expect(() => decisionFunction({} as never, fromArray([[1, 2]]))).toThrow(TypeError);
    expect(() => predict(probe, fromArray([[1, 2, 3]]))).toThrow(RangeError);
  });
});
