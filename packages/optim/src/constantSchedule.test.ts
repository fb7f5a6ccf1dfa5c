import { describe, expect, it } from 'vitest';
import { constantSchedule } from './index.js';

describe('constantSchedule', () => {
  it('returns the value at every step', () => {
    const s = constantSchedule(0.3);
    expect([s(0), s(1), s(1e6)]).toEqual([0.3, 0.3, 0.3]);
  });

  it('rejects a non-finite value and a negative step', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow(
      /constantSchedule: value must be a finite number, got NaN/,
    );
    expect(() => constantSchedule(1)(-1)).toThrow(
      /constantSchedule: step must be a finite number >= 0, got -1/,
    );
  });
});
