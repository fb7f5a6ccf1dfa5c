import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { constantSchedule, cosineDecaySchedule, warmupSchedule } from './index.js';

describe('warmupSchedule', () => {
  it('ramps linearly to the peak and stays there', () => {
    const s = warmupSchedule(0.1, 0.5, 4);
    expectClose([s(0), s(1), s(2), s(3), s(4), s(100)], [0.1, 0.2, 0.3, 0.4, 0.5, 0.5]);
  });

  it('hands over to another schedule, shifted to start at its step 0', () => {
    const s = warmupSchedule(0, 1, 4, cosineDecaySchedule(1, 10));
    expectClose([s(2), s(4), s(9), s(14), s(20)], [0.5, 1, 0.5, 0, 0]);
  });

  it('with no warmup is the following schedule', () => {
    expect(warmupSchedule(0, 1, 0, constantSchedule(0.3))(0)).toBe(0.3);
  });

  it('rejects bad arguments', () => {
    expect(() => warmupSchedule(0, 1, 2.5)).toThrow(
      /warmupSchedule: warmupSteps must be a non-negative integer, got 2.5/,
    );
    expect(() => warmupSchedule(0, 1, 2, 5 as never)).toThrow(
      /warmupSchedule: after must be a schedule function/,
    );
    expect(() => warmupSchedule(0, Number.NaN, 2)).toThrow(/warmupSchedule: peak/);
  });
});
