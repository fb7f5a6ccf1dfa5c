import { describe, expect, it } from 'vitest';
import { checkFinite, checkSize } from './index.js';

describe('argument checks', () => {
  it('checkSize accepts non-negative integers and names op and argument otherwise', () => {
    expect(checkSize('f', 'n', 0)).toBe(0);
    expect(checkSize('f', 'n', 7)).toBe(7);
    for (const [bad, shown] of [
      [-1, '-1'],
      [2.5, '2.5'],
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['3', 'string'],
      [undefined, 'undefined'],
    ] as const) {
      expect(() => checkSize('f', 'n', bad)).toThrow(
        new RangeError(`f: n must be a non-negative integer, got ${shown}`),
      );
    }
  });

  it('checkFinite refuses NaN, infinities and non-numbers', () => {
    expect(checkFinite('g', 'lr', -0.5)).toBe(-0.5);
    for (const bad of [Number.NaN, Infinity, -Infinity, '1', null]) {
      expect(() => checkFinite('g', 'lr', bad)).toThrow(
        `g: lr must be a finite number, got ${String(bad)}`,
      );
    }
  });
});
