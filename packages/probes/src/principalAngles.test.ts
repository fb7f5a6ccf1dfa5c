import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, matmul, normal, split, transpose, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { principalAngles } from './index.js';

describe('principalAngles', () => {
  const [ka, kb] = split(key(31), 2);

  it('is 0 between a subspace and itself, with any basis of it', () => {
    const a = normal(ka, [20, 3]);
    const b = matmul(a, normal(kb, [3, 3])); // another basis of the same span
    for (const t of principalAngles(a, b)) expect(t).toBeLessThan(1e-12);
  });

  it('is pi/2 between orthogonal subspaces', () => {
    const gt = groundTruth(ka, {
      d: 10,
      r: 6,
      kind: 'coordinates',
      coordinates: [0, 1, 2, 3, 4, 5],
    });
    const a = transpose(gt.m); // columns e_0..e_5 as columns of [10, 6]
    const rows = zeros([10, 2]);
    rows.data[6 * 2 + 0] = 1;
    rows.data[8 * 2 + 1] = 2; // span(e_6, e_8)
    const angles = principalAngles(a, rows);
    expect(angles).toHaveLength(2);
    for (const t of angles) expect(t).toBeCloseTo(Math.PI / 2, 14);
  });

  it('matches known angles, ascending, whichever argument is larger', () => {
    // span(e1, e2) against span(e1, cos t e2 + sin t e3): angles 0 and t.
    const t = 0.3;
    const a = fromArray([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    const b = fromArray([
      [1, 0],
      [0, Math.cos(t)],
      [0, Math.sin(t)],
    ]);
    const angles = principalAngles(a, b);
    expect(angles[0]).toBeLessThan(1e-15);
    expect(angles[1]).toBeCloseTo(t, 14);
    // A tiny angle keeps its accuracy (acos of the cosine alone would be off by ~1e-8).
    const tiny = 1e-9;
    const c = fromArray([[1], [tiny], [0]]);
    expect(principalAngles(c, a)).toEqual([0]);
    expect(
      principalAngles(fromArray([[1], [0], [0]]), fromArray([[1], [0], [tiny]]))[0],
    ).toBeCloseTo(tiny, 20);
    expect(principalAngles(c, b)).toHaveLength(1);
  });

  it('refuses mismatched, dependent or too-wide bases', () => {
    expect(() => principalAngles(zeros([3, 1]), fromArray([[1], [0]]))).toThrow(
      /principalAngles: a and b must have the same number of rows/,
    );
    expect(() =>
      principalAngles(
        fromArray([
          [1, 2],
          [2, 4],
          [0, 0],
        ]),
        fromArray([[1], [0], [0]]),
      ),
    ).toThrow(/principalAngles: the columns of a must be linearly independent/);
    expect(() => principalAngles(fromArray([[1, 0, 1]]), fromArray([[1]]))).toThrow(
      /principalAngles: a has shape \[1, 3\]/,
    );
  });
});
