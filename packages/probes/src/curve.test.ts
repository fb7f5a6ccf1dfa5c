import { foldIn, type Key, key, uniform } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { curve, meanStderr } from './index.js';

describe('meanStderr', () => {
  it('matches the textbook formulas', () => {
    const { mean, stderr } = meanStderr([1, 2, 3, 6]);
    expect(mean).toBe(3);
    // sample variance (4 + 1 + 0 + 9) / 3, standard error sqrt(var / 4)
    expect(stderr).toBeCloseTo(Math.sqrt(14 / 3 / 4), 14);
    expect(meanStderr([5]).stderr).toBeNaN();
    expect(() => meanStderr([])).toThrow(/meanStderr: values must hold at least one number/);
  });
});

describe('curve', () => {
  const draw = (k: Key, x: number) => x + uniform(k, [1]).data[0];

  it('runs every seed at every x and summarises it', () => {
    const seen: number[] = [];
    const points = curve(key(71), [1, 10, 100], draw, {
      seeds: 4,
      onPoint: (_, i) => seen.push(i),
    });
    expect(points.map((p) => p.x)).toEqual([1, 10, 100]);
    expect(seen).toEqual([0, 1, 2]);
    for (const p of points) {
      expect(p.values).toHaveLength(4);
      expect(p.mean).toBeGreaterThanOrEqual(p.x);
      expect(p.mean).toBeLessThan(p.x + 1);
      expect(p.stderr).toBeGreaterThan(0);
      expect(p).toEqual({ x: p.x, ...meanStderr(p.values), values: p.values });
    }
  });

  it('pairs seeds across x by default and draws independent keys otherwise', () => {
    const keysOf = (paired: boolean) => {
      const used: Key[][] = [[], []];
      curve(key(72), [0, 5], (k, x) => used[x === 0 ? 0 : 1].push(k), { seeds: 3, paired });
      return used;
    };
    const paired = keysOf(true);
    expect(paired[1]).toEqual(paired[0]);
    expect(paired[0]).toEqual([0, 1, 2].map((s) => foldIn(key(72), s)));
    const free = keysOf(false);
    expect(free[0][0]).not.toEqual(free[1][0]);
    expect(free[1][2]).toEqual(foldIn(foldIn(key(72), 2), 1));
    expect(curve(key(72), [5], draw, { seeds: 1, paired: false })[0].values[0]).toBe(
      draw(foldIn(foldIn(key(72), 0), 0), 5),
    );
  });

  it('refuses bad arguments', () => {
    expect(() => curve(key(0), [1], draw, { seeds: 0 })).toThrow(
      /curve: opts.seeds must be an integer >= 1/,
    );
    expect(() => curve(key(0), [1], 3 as never)).toThrow(/curve: fn must be a function/);
    expect(() => curve(key(0), [1], () => 'a' as never)).toThrow(/curve: fn must return a number/);
    expect(() => curve(key(0), 3 as never, draw)).toThrow(/curve: xs must be an array/);
  });
});
