import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { stepSchedule } from './index.js';

describe('stepSchedule', () => {
  it('multiplies by each factor from its boundary on', () => {
    const s = stepSchedule(2, { boundaries: [10, 20], factors: [0.5, 0.1] });
    expectClose([s(0), s(9), s(10), s(19), s(20), s(1000)], [2, 2, 1, 1, 0.1, 0.1]);
  });

  it('multiplies by gamma every k steps', () => {
    const s = stepSchedule(1, { every: 3, gamma: 0.5 });
    expect([s(0), s(2), s(3), s(5), s(6), s(9)]).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('with no boundaries is constant', () => {
    expect(stepSchedule(0.7, { boundaries: [], factors: [] })(50)).toBe(0.7);
  });

  it('rejects malformed options', () => {
    expect(() => stepSchedule(1, {} as never)).toThrow(
      /stepSchedule: options must have either \{ boundaries, factors \} or \{ every, gamma \}/,
    );
    expect(() =>
      stepSchedule(1, { boundaries: [1], factors: [1], every: 2, gamma: 1 } as never),
    ).toThrow(/either/);
    expect(() => stepSchedule(1, { boundaries: [1, 2], factors: [1] })).toThrow(
      /stepSchedule: boundaries and factors must have the same length, got 2 and 1/,
    );
    expect(() => stepSchedule(1, { boundaries: [5, 5], factors: [1, 1] })).toThrow(
      /stepSchedule: boundaries must be strictly increasing, got 5 then 5/,
    );
    expect(() => stepSchedule(1, { boundaries: [1.5], factors: [1] })).toThrow(
      /stepSchedule: boundaries\[0\] must be a non-negative integer, got 1.5/,
    );
    expect(() => stepSchedule(1, { boundaries: [1], factors: [-1] })).toThrow(
      /stepSchedule: factors\[0\] must be a finite number >= 0, got -1/,
    );
    expect(() => stepSchedule(1, { every: 0, gamma: 0.5 })).toThrow(
      /stepSchedule: every must be an integer >= 1, got 0/,
    );
    expect(() => stepSchedule(1, { every: 2, gamma: Number.NaN })).toThrow(/gamma.*NaN/);
    expect(() => stepSchedule(Number.POSITIVE_INFINITY, { every: 2, gamma: 1 })).toThrow(
      /stepSchedule: init must be a finite number/,
    );
    expect(() => stepSchedule(1, { every: 2, gamma: 1 })(-3)).toThrow(/stepSchedule: step/);
  });
});
