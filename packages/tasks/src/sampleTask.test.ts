import { foldIn, key, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  batchKey,
  drawTask,
  groundTruth,
  labelTask,
  sampleTask,
  type Task,
  taskSuite,
} from './index.js';

const gt = groundTruth(key(0), { d: 20, r: 3 });
const gauss = { kind: 'gaussian' } as const;

describe('sampleTask', () => {
  it('returns x [n, d], y [n] in {-1, +1} and z = x M^T', () => {
    const task = drawTask(key(1), { kind: 'halfspace' }, gt);
    const { x, y, z } = sampleTask(key(2), task, gt, gauss, 64);
    expect(x.shape).toEqual([64, 20]);
    expect(y.shape).toEqual([64]);
    expect(z.shape).toEqual([64, 3]);
    const m = toArray(gt.m);
    toArray(x).forEach((row, i) => {
      m.forEach((mr, a) => {
        const want = mr.reduce((s, v, j) => s + v * row[j], 0);
        expect(z.data[i * 3 + a]).toBeCloseTo(want, 12);
      });
    });
    expect(Array.from(y.data).every((v) => v === 1 || v === -1)).toBe(true);
  });

  it('flips labels at rate rho (binomial tolerance), never when rho = 0', () => {
    const n = 20000;
    for (const rho of [0, 0.2, 0.5]) {
      const task = drawTask(key(3), { kind: 'teacher', noise: rho }, gt);
      expect(task.noise).toBe(rho);
      const { y, z } = sampleTask(key(4), task, gt, gauss, n);
      const clean = labelTask(task, z);
      let flips = 0;
      for (let i = 0; i < n; i++) if (y.data[i] !== clean.data[i]) flips++;
      expect(Math.abs(flips - n * rho)).toBeLessThanOrEqual(5 * Math.sqrt(n * rho * (1 - rho)));
    }
  });

  it('the same key gives identical arrays; float32 matches float64 rounded', () => {
    const task = drawTask(key(5), { kind: 'xor', noise: 0.1 }, gt);
    const dist = { kind: 'sphere' } as const;
    const a = sampleTask(key(6), task, gt, dist, 100);
    const b = sampleTask(key(6), task, gt, dist, 100);
    expect(b.x.data).toEqual(a.x.data);
    expect(b.y.data).toEqual(a.y.data);
    expect(b.z.data).toEqual(a.z.data);
    const f = sampleTask(key(6), task, gt, dist, 100, { dtype: 'float32' });
    expect(f.x.dtype).toBe('float32');
    expect(f.y.dtype).toBe('float32');
    expect(f.x.data).toEqual(Float32Array.from(a.x.data));
    // Flips come from the same uniforms, so labels agree except where float32 z changes a sign.
    const disagree = Array.from(f.y.data).filter((v, i) => v !== a.y.data[i]).length;
    expect(disagree).toBeLessThanOrEqual(1);
  });

  it('works with a float32 ground truth and a float64 batch', () => {
    const gt32 = groundTruth(key(0), { d: 20, r: 3, dtype: 'float32' });
    const task = drawTask(key(1), { kind: 'halfspace' }, gt32);
    const s = sampleTask(key(2), task, gt32, gauss, 10);
    expect(s.z.dtype).toBe('float64');
    const s32 = sampleTask(key(2), task, gt32, gauss, 10, { dtype: 'float32' });
    expect(s32.z.dtype).toBe('float32');
    expect(s32.x.data).toEqual(Float32Array.from(s.x.data));
  });

  it('gives an empty batch for n = 0', () => {
    const task = drawTask(key(1), { kind: 'halfspace', noise: 0.3 }, gt);
    const { x, y, z } = sampleTask(key(2), task, gt, gauss, 0);
    expect([x.shape, y.shape, z.shape]).toEqual([[0, 20], [0], [0, 3]]);
  });

  it('rejects a task on another r, bad n and bad tasks', () => {
    const other = groundTruth(key(0), { d: 20, r: 2 });
    const task = drawTask(key(1), { kind: 'halfspace' }, other);
    expect(() => sampleTask(key(2), task, gt, gauss, 5)).toThrow(
      /sampleTask: task.r=2 differs from gt.r=3/,
    );
    const ok = drawTask(key(1), { kind: 'halfspace' }, gt);
    expect(() => sampleTask(key(2), ok, gt, gauss, -3)).toThrow(
      /n must be an integer >= 0, got -3/,
    );
    expect(() => sampleTask(key(2), { ...ok, noise: 0.7 } as Task, gt, gauss, 5)).toThrow(
      /sampleTask: task.noise must be a flip probability in \[0, 0.5\], got 0.7/,
    );
    expect(() => sampleTask(key(2), ok, gt, { kind: 'cube' } as never, 5)).toThrow(
      /dist.kind must be one of/,
    );
    expect(() => sampleTask(key(2), ok, gt, gauss, 5, { dtype: 'int32' as never })).toThrow(
      /sampleTask: dtype/,
    );
  });
});

describe('batchKey and independence of task batches', () => {
  const run = key(42);
  const suite = taskSuite(key(7), { kind: 'halfspace', noise: 0.1 }, gt, 4);
  const draw = (t: number, round = 0, purpose = 'head') =>
    sampleTask(batchKey(run, round, t, purpose), suite.tasks[t], gt, gauss, 32);

  it("task t's batch is identical whether or not other tasks' batches were drawn first", () => {
    const alone = draw(2);
    for (const t of [0, 1, 3]) draw(t);
    const afterOthers = draw(2);
    const reversed = [3, 2, 1, 0].map((t) => draw(t))[1];
    expect(afterOthers.x.data).toEqual(alone.x.data);
    expect(afterOthers.y.data).toEqual(alone.y.data);
    expect(reversed.x.data).toEqual(alone.x.data);
  });

  it('different task, round or purpose gives different data', () => {
    const base = draw(1).x.data;
    expect(draw(2).x.data).not.toEqual(base);
    expect(draw(1, 1).x.data).not.toEqual(base);
    expect(draw(1, 0, 'layer').x.data).not.toEqual(base);
  });

  it('keys are distinct over a grid of addresses and equal to the documented foldIn chain', () => {
    const seen = new Set<string>();
    for (const p of ['head', 'layer', 'probe-train', 'probe-test']) {
      for (let round = 0; round < 5; round++) {
        for (let t = 0; t < 10; t++) seen.add(batchKey(run, round, t, p).join());
      }
    }
    expect(seen.size).toBe(4 * 5 * 10);
    // FNV-1a 32 of "a" is 0xe40c292c (the published test vector).
    expect(batchKey(run, 3, 4, 'a')).toEqual(foldIn(foldIn(foldIn(run, 0xe40c292c), 3), 4));
  });

  it('taskSuite of T tasks is a prefix of the suite of T + 1 tasks', () => {
    const small = taskSuite(key(7), { kind: 'halfspace', noise: 0.1 }, gt, 3);
    expect(small.tasks).toEqual(suite.tasks.slice(0, 3));
    expect(new Set(suite.tasks.map((t) => JSON.stringify(t))).size).toBe(4);
    expect(suite.r).toBe(3);
    expect(suite.family).toEqual({ kind: 'halfspace', noise: 0.1 });
  });

  it.each([
    [-1, 0, 'a', /batchKey: round must be an integer in \[0, 9007199254740991\], got -1/],
    [0, 1.5, 'a', /batchKey: taskIndex must be an integer in/],
    [0, 0, '', /batchKey: purpose must be a non-empty string, got ""/],
    [0, 0, 3, /batchKey: purpose must be a non-empty string, got 3/],
  ])('rejects round %j, taskIndex %j, purpose %j', (round, t, p, msg) => {
    expect(() => batchKey(run, round, t, p as never)).toThrow(msg);
  });
});
