import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { cosineDecaySchedule } from './index.js';

describe('cosineDecaySchedule', () => {
  it('decays from init to 0 along half a cosine, then stays', () => {
    const s = cosineDecaySchedule(2, 100);
    // 2 * (1 + cos(pi t / 100)) / 2 = 1 + cos(pi t / 100): t = 25 -> 1 + sqrt(2)/2
    expectClose(
      [s(0), s(25), s(50), s(75), s(100), s(150)],
      [2, 1 + Math.SQRT1_2, 1, 1 - Math.SQRT1_2, 0, 0],
    );
  });

  it('ends at alpha * init', () => {
    const s = cosineDecaySchedule(2, 10, 0.1);
    // 2 * (0.9 * (1 + cos(pi t / 10)) / 2 + 0.1): t = 5 -> 2 * (0.45 + 0.1) = 1.1
    expectClose([s(0), s(5), s(10), s(11)], [2, 1.1, 0.2, 0.2]);
  });

  it('rejects bad arguments', () => {
    expect(() => cosineDecaySchedule(1, 0)).toThrow(
      /cosineDecaySchedule: decaySteps must be an integer >= 1, got 0/,
    );
    expect(() => cosineDecaySchedule(1, 10, 1.5)).toThrow(
      /cosineDecaySchedule: alpha must be a finite number in \[0, 1\], got 1.5/,
    );
    expect(() => cosineDecaySchedule(Number.NaN, 10)).toThrow(/init/);
    expect(() => cosineDecaySchedule(1, 10)(Number.NaN)).toThrow(/cosineDecaySchedule: step/);
  });
});
