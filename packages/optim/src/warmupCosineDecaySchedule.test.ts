import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { warmupCosineDecaySchedule } from './index.js';

describe('warmupCosineDecaySchedule', () => {
  it('warms up, decays along a cosine to end, then stays', () => {
    const s = warmupCosineDecaySchedule(0, 1, 10, 110, 0.1);
    // decay over 100 steps: 0.1 + 0.9 (1 + cos(pi (t - 10) / 100)) / 2
    expectClose(
      [s(0), s(5), s(10), s(35), s(60), s(110), s(500)],
      [0, 0.5, 1, 0.1 + 0.45 * (1 + Math.SQRT1_2), 0.55, 0.1, 0.1],
    );
  });

  it('drops to end right after a warmup as long as the total', () => {
    const s = warmupCosineDecaySchedule(0, 1, 4, 4, 0.2);
    expectClose([s(2), s(4), s(5)], [0.5, 0.2, 0.2]);
  });

  it('rejects a total shorter than the warmup and bad steps, naming itself', () => {
    expect(() => warmupCosineDecaySchedule(0, 1, 10, 5)).toThrow(
      /warmupCosineDecaySchedule: decaySteps \(the total length, warmup included\) must be >= warmupSteps/,
    );
    expect(() => warmupCosineDecaySchedule(0, 1, -1, 5)).toThrow(/warmupSteps must be/);
    expect(() => warmupCosineDecaySchedule(0, 1, 1, 5)(-1)).toThrow(
      /^warmupCosineDecaySchedule: step must be/,
    );
  });
});
