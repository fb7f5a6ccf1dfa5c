import { foldIn, fromArray, type Key, key, normal, split, toArray, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  type CustomDrawFamily,
  type CustomTask,
  drawTask,
  groundTruth,
  labelTask,
  projectionBasis,
  sampleTask,
  sampleTaskInto,
  sampleTaskProjected,
  taskSuite,
} from './index.js';

const gt = groundTruth(key(0), { d: 16, r: 3 });
const gauss = { kind: 'gaussian' } as const;

// A user-written family: task t is sign(<z, v_t>) for a Gaussian direction v_t of its key.
const seen: { key: Key; index: number; r: number }[] = [];
const planes: CustomDrawFamily = {
  kind: 'custom',
  name: 'planes',
  draw: (k, { r, index }) => {
    seen.push({ key: k, index, r });
    const v = normal(k, [r] as const).data;
    return (z) => {
      let s = 0;
      for (let a = 0; a < z.length; a++) s += v[a] * z[a];
      return s;
    };
  },
};

// z = M x with plain loops, independent of the GEMM the samplers use.
function project(x: number[][]): number[][] {
  const m = toArray(gt.m) as number[][];
  return x.map((row) => m.map((mi) => mi.reduce((s, v, j) => s + v * row[j], 0)));
}

describe('custom families with per-task randomness', () => {
  it('call draw with each task key, so tasks differ, and the same key gives the same tasks', () => {
    seen.length = 0;
    const suite = taskSuite(key(5), planes, gt, 4);
    expect(seen.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(seen.every((s) => s.r === 3)).toBe(true);
    // draw receives the first half of the task key; the task keeps its key and index.
    suite.tasks.forEach((t, i) => {
      const task = t as CustomTask;
      expect(task.key).toEqual(foldIn(key(5), i));
      expect(task.index).toBe(i);
      expect(seen[i].key).toEqual(split(foldIn(key(5), i))[0]);
    });
    const z = normal(key(6), [200, 3] as const);
    const labels = suite.tasks.map((t) => Array.from(labelTask(t, z).data));
    for (let i = 0; i < 4; i++)
      for (let j = i + 1; j < 4; j++) expect(labels[i]).not.toEqual(labels[j]);
    const again = taskSuite(key(5), planes, gt, 4);
    expect(again.tasks.map((t) => Array.from(labelTask(t, z).data))).toEqual(labels);
    // Task t of the suite is drawTask with key foldIn(key, t) and index t.
    const third = drawTask(foldIn(key(5), 2), planes, gt, { index: 2 });
    expect(Array.from(labelTask(third, z).data)).toEqual(labels[2]);
    expect(third).toMatchObject({ kind: 'custom', name: 'planes', r: 3, index: 2 });
  });

  it('keeps the old { kind: custom, fn } family: its tasks are all the same', () => {
    const fn = (z: Float64Array) => z[0] - z[1];
    const suite = taskSuite(key(5), { kind: 'custom', fn }, gt, 3);
    expect(suite.tasks.every((t) => t.kind === 'custom' && t.fn === fn)).toBe(true);
    expect(suite.tasks[0]).toEqual({ kind: 'custom', r: 3, noise: 0, fn });
  });

  it('sampleTask, sampleTaskInto and sampleTaskProjected label with the drawn function', () => {
    const task = taskSuite(key(5), { ...planes, noise: 0 }, gt, 2).tasks[1] as CustomTask;
    const { x, y } = sampleTask(key(7), task, gt, gauss, 300);
    const expected = project(toArray(x)).map((z) => (task.fn(Float64Array.from(z)) >= 0 ? 1 : -1));
    expect(toArray(y)).toEqual(expected);
    const out = { x: zeros([300, 16] as const), y: zeros([300] as const) };
    sampleTaskInto(key(7), task, gt, gauss, out);
    expect(Array.from(out.y.data)).toEqual(Array.from(y.data));
    const basis = projectionBasis(gt, normal(key(8), [4, 16] as const));
    const p = sampleTaskProjected(key(9), task, basis.mInBasis, gauss, 200);
    const fromZ = (toArray(p.z) as number[][]).map((z) =>
      task.fn(Float64Array.from(z)) >= 0 ? 1 : -1,
    );
    expect(toArray(p.y)).toEqual(fromZ);
  });

  it('refuses an unbalanced family, naming the task, the family and |E y|', () => {
    // Task 0 is balanced, task 1 always +1.
    const skewed: CustomDrawFamily = {
      kind: 'custom',
      name: 'skewed',
      draw: (_k, { index }) => (index === 1 ? () => 1 : (z) => z[0]),
    };
    expect(() => taskSuite(key(5), skewed, gt, 3)).toThrow(
      new RangeError(
        'taskSuite: task 1 of family "skewed" is unbalanced: |E y| = 1.000 on 512 draws of z ~ N(0, I_3), above maxImbalance = 0.9; change the family, or set balance: { maxImbalance } or balance: false',
      ),
    );
    // A threshold at z0 = 1.5: P(y = +1) = 0.067, |E y| about 0.87.
    const tail: CustomDrawFamily = { kind: 'custom', draw: () => (z) => z[0] - 1.5 };
    expect(() => taskSuite(key(5), tail, gt, 2)).not.toThrow();
    expect(() => taskSuite(key(5), { ...tail, balance: { maxImbalance: 0.5 } }, gt, 2)).toThrow(
      /taskSuite: task 0 of family "custom" is unbalanced: \|E y\| = 0\.8\d\d on 512 draws/,
    );
    expect(() =>
      drawTask(key(5), { ...skewed, balance: { samples: 64 } }, gt, { index: 1 }),
    ).toThrow(/drawTask: task 1 of family "skewed" is unbalanced: \|E y\| = 1\.000 on 64 draws/);
    // The old fn family is checked as well.
    expect(() => taskSuite(key(5), { kind: 'custom', fn: () => -1 }, gt, 1)).toThrow(RangeError);
  });

  it('accepts an unbalanced family with balance: false', () => {
    const one: CustomDrawFamily = { kind: 'custom', draw: () => () => 1, balance: false };
    const suite = taskSuite(key(5), one, gt, 2);
    expect(Array.from(labelTask(suite.tasks[0], fromArray([[1, 2, 3]])).data)).toEqual([1]);
  });

  it('refuses non-finite or non-number labelling values and a draw that returns no function', () => {
    const nan: CustomDrawFamily = { kind: 'custom', name: 'nan', draw: () => () => Number.NaN };
    expect(() => taskSuite(key(5), nan, gt, 1)).toThrow(
      /taskSuite: task 0 of family "nan": the labelling must return finite numbers, got NaN at z = \[/,
    );
    expect(() => taskSuite(key(5), nan, gt, 1)).toThrow(RangeError);
    const text = { kind: 'custom', draw: () => () => 'yes' } as unknown as CustomDrawFamily;
    expect(() => taskSuite(key(5), text, gt, 1)).toThrow(
      new TypeError(
        'taskSuite: task 0 of family "custom": the labelling must return a number, got "yes"',
      ),
    );
    const none = { kind: 'custom', draw: () => 3 } as unknown as CustomDrawFamily;
    expect(() => taskSuite(key(5), none, gt, 1)).toThrow(
      new TypeError(
        'taskSuite: family.draw must return a labelling (z: Float64Array) => number, got 3 for task 0',
      ),
    );
  });

  it('refuses malformed custom families with one error type per mistake', () => {
    const f = (z: Float64Array) => z[0];
    expect(() => drawTask(key(1), { kind: 'custom', draw: 3 } as never, gt)).toThrow(
      /drawTask: family.draw must be a function/,
    );
    expect(() => drawTask(key(1), { kind: 'custom', draw: 3 } as never, gt)).toThrow(TypeError);
    expect(() => drawTask(key(1), { kind: 'custom', fn: f, draw: () => f } as never, gt)).toThrow(
      new RangeError('drawTask: give family.draw or family.fn, not both'),
    );
    expect(() =>
      drawTask(key(1), { kind: 'custom', fn: f, balance: { maxImbalance: 2 } }, gt),
    ).toThrow(
      new RangeError(
        'drawTask: family.balance.maxImbalance must be a finite number in [0, 1], got 2',
      ),
    );
    expect(() => drawTask(key(1), { kind: 'custom', fn: f, balance: 'no' } as never, gt)).toThrow(
      TypeError,
    );
    expect(() => drawTask(key(1), planes, gt, { index: -1 })).toThrow(
      new RangeError('drawTask: opts.index must be an integer in [0, 9007199254740991], got -1'),
    );
    // An unloaded module family needs loading first.
    expect(() =>
      taskSuite(key(1), { kind: 'custom', module: { module: 'file:///nowhere.mjs' } }, gt, 1),
    ).toThrow(/taskSuite: family.module must be loaded before drawing: use taskSuiteAsync/);
  });
});
