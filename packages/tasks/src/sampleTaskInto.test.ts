import { type DType, key, sliceRows, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  drawTask,
  groundTruth,
  type InputDistribution,
  mixtureDistribution,
  sampleInputs,
  sampleInputsInto,
  sampleTask,
  sampleTaskInto,
} from './index.js';

const dists: InputDistribution[] = [
  { kind: 'gaussian' },
  { kind: 'sphere' },
  { kind: 'hypercube' },
  mixtureDistribution(key(9), { r: 3, k: 4, centreStd: 2, noiseStd: 0.5 }),
];

describe('sampleTaskInto', () => {
  it('draws the batch of sampleTask bit for bit, every input kind and dtype, into views', () => {
    const dtypes: DType[] = ['float64', 'float32'];
    for (const gtDtype of dtypes) {
      const gt = groundTruth(key(0), { d: 19, r: 3, dtype: gtDtype });
      for (const [i, dist] of dists.entries()) {
        for (const dtype of dtypes) {
          const task = drawTask(key(10 + i), { kind: 'teacher', noise: 0.2 }, gt);
          const n = 37 + i;
          const want = sampleTask(key(20 + i), task, gt, dist, n, { dtype });
          // Views at an offset inside bigger buffers, filled with garbage first.
          const x = sliceRows(zeros([n + 5, 19] as const, { dtype }), 3, 3 + n);
          x.data.fill(Number.NaN);
          const y = zeros([n] as const, { dtype });
          y.data.fill(7);
          const z = zeros([n, 3] as const, { dtype });
          sampleTaskInto(key(20 + i), task, gt, dist, { x, y, z });
          expect(Array.from(x.data.subarray(3 * 19, (3 + n) * 19))).toEqual(
            Array.from(want.x.data),
          );
          expect(Array.from(y.data)).toEqual(Array.from(want.y.data));
          expect(Array.from(z.data)).toEqual(Array.from(want.z.data));
          expect(Number.isNaN(x.data[0])).toBe(true); // rows outside the view untouched
          // Without z: the same labels.
          const y2 = zeros([n] as const, { dtype });
          sampleTaskInto(key(20 + i), task, gt, dist, { x, y: y2 });
          expect(Array.from(y2.data)).toEqual(Array.from(want.y.data));
        }
      }
    }
  });

  it('sampleInputsInto equals sampleInputs for every kind', () => {
    const gt = groundTruth(key(1), { d: 8, r: 3 });
    for (const [i, dist] of dists.entries()) {
      const want = sampleInputs(key(30 + i), dist, gt, 11, { dtype: 'float32' });
      const x = zeros([11, 8] as const, { dtype: 'float32' });
      sampleInputsInto(key(30 + i), dist, gt, x);
      expect(Array.from(x.data)).toEqual(Array.from(want.data));
    }
  });

  it('names the bad buffer', () => {
    const gt = groundTruth(key(0), { d: 6, r: 2 });
    const task = drawTask(key(1), { kind: 'halfspace' }, gt);
    const g = { kind: 'gaussian' } as const;
    const x = zeros([4, 6] as const);
    expect(() =>
      sampleTaskInto(key(2), task, gt, g, { x: zeros([4, 5] as const), y: zeros([4] as const) }),
    ).toThrow(/out\.x/);
    expect(() => sampleTaskInto(key(2), task, gt, g, { x, y: zeros([3] as const) })).toThrow(
      /out\.y/,
    );
    expect(() =>
      sampleTaskInto(key(2), task, gt, g, { x, y: zeros([4] as const), z: zeros([4, 3] as const) }),
    ).toThrow(/out\.z/);
    expect(() =>
      sampleTaskInto(key(2), task, gt, g, { x, y: zeros([4] as const, { dtype: 'float32' }) }),
    ).toThrow(RangeError);
    expect(() => sampleInputsInto(key(2), g, gt, zeros([4, 7] as const))).toThrow(/x/);
  });
});
