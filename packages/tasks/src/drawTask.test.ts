import { fromArray, key, toArray } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  drawTask,
  groundTruth,
  type HalfspaceTask,
  labelTask,
  type ParityTask,
  sampleTask,
  sign,
  type TaskFamily,
  type TeacherTask,
  taskSuite,
} from './index.js';

const gt = groundTruth(key(0), { d: 24, r: 4 });
const gauss = { kind: 'gaussian' } as const;

// z = M x with plain loops, independent of the GEMM used by sampleTask.
function project(x: number[][]): number[][] {
  const m = toArray(gt.m);
  return x.map((row) => m.map((mr) => mr.reduce((s, v, j) => s + v * row[j], 0)));
}

describe('halfspace', () => {
  it('labels are sign(<v, Mx> - c) computed independently, about half positive when c = 0', () => {
    const task = drawTask(key(1), { kind: 'halfspace' }, gt) as HalfspaceTask;
    expect(task.c).toBe(0);
    expect(Math.hypot(...task.v)).toBeCloseTo(1, 14);
    const n = 4000;
    const { x, y } = sampleTask(key(2), task, gt, gauss, n);
    const z = project(toArray(x));
    const expected = z.map((zi) => (zi.reduce((s, v, a) => s + v * task.v[a], 0) >= 0 ? 1 : -1));
    expect(toArray(y)).toEqual(expected);
    const plus = expected.filter((v) => v === 1).length;
    expect(Math.abs(plus - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });

  it('a fixed offset c = 1 gives P(y = +1) = 1 - Phi(1)', () => {
    const task = drawTask(key(3), { kind: 'halfspace', offset: { kind: 'fixed', value: 1 } }, gt);
    const n = 8000;
    const { y } = sampleTask(key(4), task, gt, gauss, n);
    const p = 0.15865525393145707;
    const plus = Array.from(y.data).filter((v) => v === 1).length;
    expect(Math.abs(plus - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
  });

  it('draws v uniformly on the sphere and c from the offset distribution', () => {
    const T = 2000;
    const suite = taskSuite(
      key(5),
      { kind: 'halfspace', offset: { kind: 'normal', mean: 1, std: 2 } },
      gt,
      T,
    );
    const tasks = suite.tasks as HalfspaceTask[];
    const cs = tasks.map((t) => t.c);
    const mean = cs.reduce((a, b) => a + b, 0) / T;
    const sd = Math.sqrt(cs.reduce((a, b) => a + (b - mean) ** 2, 0) / T);
    expect(Math.abs(mean - 1)).toBeLessThan(5 * (2 / Math.sqrt(T)));
    expect(Math.abs(sd - 2)).toBeLessThan(0.2);
    // E[v v^T] = I / r for v uniform on the unit sphere of R^r.
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const e = tasks.reduce((s, t) => s + t.v[a] * t.v[b], 0) / T;
        expect(Math.abs(e - (a === b ? 0.25 : 0))).toBeLessThan(0.03);
      }
    }
    const uni = drawTask(
      key(6),
      { kind: 'halfspace', offset: { kind: 'uniform', low: 2, high: 3 } },
      gt,
    );
    expect((uni as HalfspaceTask).c).toBeGreaterThanOrEqual(2);
    expect((uni as HalfspaceTask).c).toBeLessThan(3);
  });

  it('normalises a given direction', () => {
    const task = drawTask(
      key(7),
      { kind: 'halfspace', direction: [3, 0, 0, 4] },
      gt,
    ) as HalfspaceTask;
    expect(task.v).toEqual([0.6, 0, 0, 0.8]);
  });
});

describe('teacher', () => {
  it('labels are sign(sum_k u_k relu(<q_k, z> + beta_k)) computed independently', () => {
    const task = drawTask(key(8), { kind: 'teacher', width: 5, biasStd: 0.5 }, gt) as TeacherTask;
    expect(task.q.length).toBe(5);
    for (const q of task.q) expect(Math.hypot(...q)).toBeCloseTo(1, 14);
    expect(task.beta.some((b) => b !== 0)).toBe(true);
    const { x, y } = sampleTask(key(9), task, gt, gauss, 1000);
    const expected = project(toArray(x)).map((z) => {
      let s = 0;
      for (let k = 0; k < 5; k++) {
        const h = task.q[k].reduce((acc, v, a) => acc + v * z[a], task.beta[k]);
        s += task.u[k] * Math.max(0, h);
      }
      return s >= 0 ? 1 : -1;
    });
    expect(toArray(y)).toEqual(expected);
    expect(new Set(expected).size).toBe(2);
  });

  it('has width 8 and zero biases by default', () => {
    const task = drawTask(key(10), { kind: 'teacher' }, gt) as TeacherTask;
    expect(task.u.length).toBe(8);
    expect(task.beta.every((b) => b === 0)).toBe(true);
  });
});

describe('xor / parity', () => {
  it('labels are prod_{i in S} sign(z_i)', () => {
    const task = drawTask(key(11), { kind: 'xor', subset: [2, 0] }, gt) as ParityTask;
    expect(task.subset).toEqual([0, 2]);
    const n = 2000;
    const { x, y } = sampleTask(key(12), task, gt, gauss, n);
    const expected = project(toArray(x)).map((z) => (z[0] >= 0 ? 1 : -1) * (z[2] >= 0 ? 1 : -1));
    expect(toArray(y)).toEqual(expected);
    const plus = expected.filter((v) => v === 1).length;
    expect(Math.abs(plus - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });

  it('uses all coordinates by default and random subsets of subsetSize', () => {
    expect((drawTask(key(1), { kind: 'parity' }, gt) as ParityTask).subset).toEqual([0, 1, 2, 3]);
    const subsets = taskSuite(key(13), { kind: 'parity', subsetSize: 2 }, gt, 30).tasks.map(
      (t) => (t as ParityTask).subset,
    );
    for (const s of subsets) {
      expect(s.length).toBe(2);
      expect(s[0]).toBeLessThan(s[1]);
    }
    expect(new Set(subsets.map((s) => s.join())).size).toBeGreaterThan(3);
  });

  it('xor and parity are the same family', () => {
    const z = fromArray([
      [1, -1, 2, -3],
      [-1, -1, 0, 5],
    ]);
    const a = labelTask(drawTask(key(1), { kind: 'xor' }, gt), z);
    const b = labelTask(drawTask(key(1), { kind: 'parity' }, gt), z);
    expect(toArray(a)).toEqual([1, 1]);
    expect(toArray(b)).toEqual(toArray(a));
  });
});

describe('custom', () => {
  it('labels are sign(fn(z)), fn sees z of length r', () => {
    const lengths = new Set<number>();
    const fn = (z: Float64Array) => {
      lengths.add(z.length);
      return z[0] * z[1] - 0.1;
    };
    const task = drawTask(key(14), { kind: 'custom', fn, name: 'saddle' }, gt);
    expect(task).toMatchObject({ kind: 'custom', name: 'saddle', r: 4 });
    const { x, y } = sampleTask(key(15), task, gt, gauss, 500);
    const expected = project(toArray(x)).map((z) => (z[0] * z[1] - 0.1 >= 0 ? 1 : -1));
    expect(toArray(y)).toEqual(expected);
    expect([...lengths]).toEqual([4]);
  });

  it('refuses a NaN, infinite or non-number score', () => {
    const z = fromArray([[0, 0, 0, 0]]);
    const off = { balance: false } as const;
    const nan = drawTask(key(1), { kind: 'custom', fn: () => Number.NaN, ...off }, gt);
    expect(() => labelTask(nan, z)).toThrow(
      new RangeError("labelTask: the task's score for row 0 must be a finite number, got NaN"),
    );
    const inf = drawTask(key(1), { kind: 'custom', fn: () => -Infinity, ...off }, gt);
    expect(() => labelTask(inf, z)).toThrow(RangeError);
    const str = drawTask(key(1), { kind: 'custom', fn: (() => 'a') as never, ...off }, gt);
    expect(() => labelTask(str, z)).toThrow(
      new TypeError(`labelTask: the task's score for row 0 must be a number, got "a"`),
    );
  });
});

describe('sign convention', () => {
  it('sign(0) = sign(-0) = +1 and labels of zero inputs are +1', () => {
    expect(sign(0)).toBe(1);
    expect(sign(-0)).toBe(1);
    expect(sign(-1e-300)).toBe(-1);
    expect(sign(2)).toBe(1);
    expect(() => sign(Number.NaN)).toThrow(/sign: x must be a number, got NaN/);
    const z = fromArray([[0, 0, 0, 0]], { dtype: 'float32' });
    const families: TaskFamily[] = [
      { kind: 'halfspace' },
      { kind: 'teacher' },
      { kind: 'parity' },
      { kind: 'custom', fn: () => -0, balance: false },
    ];
    for (const f of families) {
      const y = labelTask(drawTask(key(2), f, gt), z);
      expect(y.dtype).toBe('float32');
      expect(Array.from(y.data)).toEqual([1]);
    }
  });
});

describe('family validation', () => {
  it.each([
    [
      { kind: 'ring' },
      RangeError,
      /drawTask: family.kind must be one of 'halfspace', 'teacher', 'parity', 'xor', 'custom', got "ring"/,
    ],
    [{}, TypeError, /family.kind must be one of .*got undefined/],
    [
      { kind: 'halfspace', noise: -0.1 },
      RangeError,
      /drawTask: family.noise must be a flip probability in \[0, 0.5\], got -0.1/,
    ],
    [
      { kind: 'halfspace', noise: 0.6 },
      RangeError,
      /family.noise must be a flip probability in \[0, 0.5\], got 0.6/,
    ],
    [
      { kind: 'halfspace', noise: Number.NaN },
      RangeError,
      /family.noise must be a flip probability/,
    ],
    [
      { kind: 'halfspace', direction: [1, 0] },
      RangeError,
      /family.direction must be an array of 4 numbers, got length 2/,
    ],
    [
      { kind: 'halfspace', direction: [0, 0, 0, 0] },
      RangeError,
      /family.direction must be non-zero/,
    ],
    [
      { kind: 'halfspace', offset: { kind: 'cauchy' } },
      RangeError,
      /family.offset.kind must be one of 'fixed', 'normal', 'uniform'/,
    ],
    [
      { kind: 'halfspace', offset: { kind: 'normal', std: -1 } },
      RangeError,
      /family.offset.std must be a finite number >= 0, got -1/,
    ],
    [
      { kind: 'halfspace', offset: { kind: 'fixed' } },
      TypeError,
      /family.offset.value must be a finite number, got undefined/,
    ],
    [
      { kind: 'halfspace', offset: { kind: 'uniform', low: 1, high: 1 } },
      RangeError,
      /family.offset needs low < high/,
    ],
    [{ kind: 'teacher', width: 0 }, RangeError, /family.width must be an integer >= 1, got 0/],
    [{ kind: 'teacher', width: 2.5 }, RangeError, /family.width must be an integer >= 1, got 2.5/],
    [{ kind: 'teacher', biasStd: -1 }, RangeError, /family.biasStd must be a finite number >= 0/],
    [{ kind: 'xor', subset: [0, 0] }, RangeError, /family.subset has the duplicate index 0/],
    [
      { kind: 'xor', subset: [4] },
      RangeError,
      /family.subset\[0\] must be an integer in \[0, 3\], got 4/,
    ],
    [{ kind: 'xor', subset: [] }, RangeError, /family.subset must not be empty/],
    [
      { kind: 'parity', subset: [0], subsetSize: 1 },
      RangeError,
      /give family.subset or family.subsetSize, not both/,
    ],
    [
      { kind: 'parity', subsetSize: 0 },
      RangeError,
      /family.subsetSize must be an integer in \[1, 4\], got 0/,
    ],
    [
      { kind: 'parity', subsetSize: 5 },
      RangeError,
      /family.subsetSize must be an integer in \[1, 4\], got 5/,
    ],
    [
      { kind: 'custom' },
      TypeError,
      /drawTask: a custom family needs family.draw .* family.fn .* or family.module/,
    ],
  ])('rejects %j', (family, type, msg) => {
    expect(() => drawTask(key(0), family as never, gt)).toThrow(msg);
    expect(() => drawTask(key(0), family as never, gt)).toThrow(type);
  });

  it('names the calling function', () => {
    expect(() => taskSuite(key(0), { kind: 'teacher', width: -1 }, gt, 2)).toThrow(
      /^taskSuite: family.width/,
    );
    expect(() => taskSuite(key(0), { kind: 'halfspace' }, gt, 0)).toThrow(
      /taskSuite: T must be an integer >= 1, got 0/,
    );
    expect(() =>
      labelTask({ kind: 'halfspace', r: 4, noise: 0, v: [1, 0, 0, 0], c: 0 }, fromArray([[1, 2]])),
    ).toThrow(/labelTask: z has 2 columns but the task reads r=4/);
    expect(() => labelTask({ kind: 'nope' } as never, fromArray([[1]]))).toThrow(
      /labelTask: task.kind must be one of/,
    );
    expect(() => labelTask(null as never, fromArray([[1]]))).toThrow(TypeError);
    expect(() => labelTask({ kind: 'nope' } as never, fromArray([[1]]))).toThrow(RangeError);
  });
});
