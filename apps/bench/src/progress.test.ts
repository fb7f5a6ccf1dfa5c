import { describe, expect, it } from 'vitest';
import { Eta, formatSeconds } from './progress.js';

describe('Eta', () => {
  it('follows the work done when the phase has an estimate, else the units', () => {
    let t = 0;
    const eta = new Eta(() => t);
    eta.start(4, 100);
    expect(eta.seconds()).toBeNaN();
    t = 10_000;
    // The first of 4 units was 80 % of the work: 2.5 s left, not the 30 s a unit count gives.
    eta.tick(1, 80);
    expect(eta.seconds()).toBeCloseTo(2.5, 12);
    eta.start(4);
    t = 20_000;
    eta.tick(1);
    expect(eta.seconds()).toBeCloseTo(30, 12);
    expect(formatSeconds(eta.seconds())).toBe('30.0s');
    expect([eta.done, eta.total]).toEqual([1, 4]);
  });
});
