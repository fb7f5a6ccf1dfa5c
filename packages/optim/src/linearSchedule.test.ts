import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { linearSchedule } from './index.js';

describe('linearSchedule', () => {
  it('interpolates between init and end over the transition', () => {
    const s = linearSchedule(1, 0.2, 8, 4);
    // before step 4: 1; then 1 - 0.8 (t - 4) / 8; from step 12: 0.2
    expectClose([s(0), s(4), s(6), s(8), s(12), s(100)], [1, 1, 0.8, 0.6, 0.2, 0.2]);
  });

  it('can increase', () => {
    const s = linearSchedule(0, 1, 4);
    expectClose([s(0), s(1), s(4), s(5)], [0, 0.25, 1, 1]);
  });

  it('rejects bad arguments', () => {
    expect(() => linearSchedule(1, 0, 0)).toThrow(
      /linearSchedule: transitionSteps must be an integer >= 1, got 0/,
    );
    expect(() => linearSchedule(1, 0, 10, -1)).toThrow(
      /linearSchedule: transitionBegin must be a non-negative integer, got -1/,
    );
    expect(() => linearSchedule(1, Number.NaN, 10)).toThrow(/linearSchedule: end must be a finite/);
  });
});
