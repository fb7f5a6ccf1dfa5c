import { initLayer } from '@mtrl/network';
import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, matmul, normal, split, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { coverage } from './index.js';

describe('coverage', () => {
  const [kg, kw, kc] = split(key(21), 3);
  const gt = groundTruth(kg, { d: 32, r: 4 });

  it('is 1 with effective rank r for W = M stacked', () => {
    const w = zeros([12, 32]);
    for (let copyIndex = 0; copyIndex < 3; copyIndex++) w.data.set(gt.m.data, copyIndex * 4 * 32);
    const c = coverage(w, gt);
    // W M^T = [I; I; I]: every singular value is sqrt(3).
    for (const s of c.singularValues) expect(s).toBeCloseTo(Math.sqrt(3), 12);
    expect(c.ratio).toBeCloseTo(1, 12);
    expect(c.effectiveRank).toBeCloseTo(4, 10);
  });

  it('is about 0 with effective rank 1 when all rows point along one direction', () => {
    // Rows u + small noise, u = the first row of M: W M^T is nearly rank one.
    const u = Array.from(gt.m.data.subarray(0, 32));
    const noise = normal(kw, [16, 32]);
    const w = fromArray(
      Array.from({ length: 16 }, (_, j) => u.map((v, i) => v + 1e-3 * noise.data[j * 32 + i])),
    );
    const c = coverage(w, gt);
    expect(c.ratio).toBeLessThan(0.01);
    expect(c.effectiveRank).toBeLessThan(1.01);
    expect(c.singularValues).toHaveLength(4);
  });

  it('matches the closed form for a diagonal case and pads with zeros when m < r', () => {
    const e = groundTruth(kg, { d: 3, r: 2, kind: 'coordinates', coordinates: [0, 1] });
    const c = coverage(
      fromArray([
        [3, 0, 5],
        [0, 1, 7],
      ]),
      e,
    );
    expect(c.singularValues).toEqual([3, 1]);
    expect(c.ratio).toBeCloseTo(1 / 3, 14);
    const p = [0.9, 0.1];
    expect(c.effectiveRank).toBeCloseTo(
      Math.exp(-p[0] * Math.log(p[0]) - p[1] * Math.log(p[1])),
      12,
    );
    const one = coverage(fromArray([[1, 1, 0]]), e);
    expect(one.singularValues).toEqual([Math.SQRT2, 0]);
    expect(one.ratio).toBe(0);
  });

  it('reads W with unit rows on request', () => {
    // A random layer has rows of unequal norm; normalisation changes the values, not the shape.
    const w = initLayer(kc, { d: 32, m: 64 }).w;
    const raw = coverage(w, gt);
    const unit = coverage(w, gt, { normalizeRows: true });
    expect(unit.singularValues[0]).not.toBeCloseTo(raw.singularValues[0], 6);
    const rows = coverage(matmul(normal(kc, [8, 4]), gt.m), gt);
    expect(rows.ratio).toBeGreaterThan(0);
  });

  it('reports zero coverage for W orthogonal to the subspace and refuses bad input', () => {
    const e = groundTruth(kg, { d: 3, r: 1, kind: 'coordinates', coordinates: [0] });
    expect(coverage(fromArray([[0, 1, 0]]), e)).toEqual({
      singularValues: [0],
      ratio: 0,
      effectiveRank: 0,
    });
    expect(() => coverage(zeros([2, 4]), gt)).toThrow(/coverage: subspace.m has shape/);
    expect(() => coverage(zeros([2, 32]), gt, { normalizeRows: 1 as never })).toThrow(
      /coverage: opts.normalizeRows must be a boolean/,
    );
  });
});
