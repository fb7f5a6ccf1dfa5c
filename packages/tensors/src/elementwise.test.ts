import { describe, expect, it } from 'vitest';
import {
  add,
  addInto,
  addScalar,
  axpyInto,
  DTYPES,
  type DType,
  fromArray,
  key,
  type Matrix,
  map,
  mul,
  normal,
  relu,
  reluInto,
  reluMask,
  scale,
  scaleInto,
  sliceCols,
  sliceRows,
  split,
  sub,
  type Tensor,
  toArray,
  transpose,
  zeros,
} from './index.js';

// Views of one 7 x 9 buffer that are not contiguous: a transpose, a column slice, a row of
// the transpose (stride 9) and an interior block. Each has shape [5, 3] or [3] after slicing.
function strided(seed: number, dtype: DType): Matrix[] {
  const [k1, k2] = split(key(seed));
  const base = normal(k1, [7, 9], { dtype });
  const other = normal(k2, [9, 7], { dtype });
  return [
    sliceRows(normal(k2, [5, 3], { dtype }), 0), // contiguous
    sliceCols(sliceRows(transpose(base), 2, 7), 1, 4), // transposed block, [5, 3]
    sliceCols(sliceRows(base, 1, 6), 3, 6), // interior block, [5, 3]
    transpose(sliceCols(sliceRows(other, 0, 3), 2, 7)), // [5, 3] with strides [1, 7]
  ];
}

const flat = (t: Tensor): number[] => (toArray(t) as number[][] | number[]).flat();
const f = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number) => v);

describe.each(DTYPES)('elementwise (%s)', (dtype) => {
  const views = strided(3, dtype);
  const others = strided(4, dtype);
  const round = f(dtype);

  it('add, sub, mul match naive loops on strided views and return fresh contiguous tensors', () => {
    for (let v = 0; v < views.length; v++) {
      const a = views[v];
      const b = others[(v + 1) % others.length];
      const ea = flat(a);
      const eb = flat(b);
      for (const [op, fn] of [
        [add, (x: number, y: number) => x + y],
        [sub, (x: number, y: number) => x - y],
        [mul, (x: number, y: number) => x * y],
      ] as const) {
        const out = op(a, b);
        expect(out.dtype).toBe(dtype);
        expect(out.shape).toEqual([5, 3]);
        expect(out.stride).toEqual([3, 1]);
        expect(out.data).not.toBe(a.data);
        expect(flat(out)).toEqual(ea.map((x, i) => round(fn(x, eb[i]))));
      }
      expect(flat(a)).toEqual(ea); // inputs unchanged
    }
  });

  it('scale, addScalar, relu, reluMask, map', () => {
    for (const a of views) {
      const e = flat(a);
      expect(flat(scale(a, -2.5))).toEqual(e.map((x) => round(-2.5 * x)));
      expect(flat(addScalar(a, 0.75))).toEqual(e.map((x) => round(x + 0.75)));
      expect(flat(relu(a))).toEqual(e.map((x) => Math.max(x, 0)));
      expect(flat(reluMask(a))).toEqual(e.map((x) => (x > 0 ? 1 : 0)));
      expect(flat(map(a, Math.abs))).toEqual(e.map(Math.abs));
      expect(flat(a)).toEqual(e);
    }
    expect(toArray(reluMask(fromArray([-1, 0, 2], { dtype })))).toEqual([0, 0, 1]);
    expect(toArray(map(fromArray([1, 4, 9], { dtype }), Math.sqrt))).toEqual([1, 2, 3]);
  });

  it('in-place ops write through views and leave the rest of the buffer alone', () => {
    for (let v = 0; v < views.length; v++) {
      const [k1, k2] = split(key(10 + v));
      const a = strided(20 + v, dtype)[v];
      const b = normal(k1, [5, 3], { dtype });
      const c = normal(k2, [5, 3], { dtype });
      const before = Array.from(a.data);
      const e = flat(a);
      const eb = flat(b);
      const ec = flat(c);
      axpyInto(a, 0.5, b);
      const want1 = e.map((x, i) => round(x + 0.5 * eb[i]));
      expect(flat(a)).toEqual(want1);
      scaleInto(a, 3);
      const want2 = want1.map((x) => round(3 * x));
      expect(flat(a)).toEqual(want2);
      reluInto(a);
      const want3 = want2.map((x) => Math.max(x, 0));
      expect(flat(a)).toEqual(want3);
      addInto(a, b, c);
      expect(flat(a)).toEqual(eb.map((x, i) => round(x + ec[i])));
      // Elements outside the view are untouched.
      const inView = new Set<number>();
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 3; j++) inView.add(a.offset + i * a.stride[0] + j * a.stride[1]);
      for (let o = 0; o < before.length; o++) if (!inView.has(o)) expect(a.data[o]).toBe(before[o]);
    }
  });
});

describe('elementwise errors', () => {
  it('shape mismatches name the op, both arguments and both shapes', () => {
    const a = zeros([2, 3]);
    const b = zeros([3, 2]);
    expect(() => add(a, b)).toThrow('add: shape mismatch: a is [2, 3] but b is [3, 2]');
    expect(() => sub(a, zeros([6]) as unknown as Matrix)).toThrow(
      'sub: shape mismatch: a is [2, 3] but b is [6]',
    );
    expect(() => mul(a, b)).toThrow(RangeError);
    expect(() => axpyInto(a, 1, b)).toThrow(
      'axpyInto: shape mismatch: y is [2, 3] but x is [3, 2]',
    );
    expect(() => addInto(b, a, a)).toThrow(
      'addInto: shape mismatch: out is [3, 2] but a is [2, 3]',
    );
    expect(() => addInto(a, a, b)).toThrow('addInto: shape mismatch: a is [2, 3] but b is [3, 2]');
  });

  it('dtype mismatches and bad scalars are refused', () => {
    const a = zeros([2], { dtype: 'float32' });
    const b = zeros([2], { dtype: 'float64' });
    expect(() => add(a, b as unknown as typeof a)).toThrow(
      'add: dtype mismatch: a is float32 but b is float64',
    );
    expect(() => scale(b, Number.NaN)).toThrow('scale: s must be a finite number, got NaN');
    expect(() => scaleInto(b, Infinity)).toThrow('scaleInto: s must be a finite number');
    expect(() => addScalar(b, Number.NaN)).toThrow('addScalar: s');
    expect(() => axpyInto(b, Number.NaN, b)).toThrow('axpyInto: alpha');
    expect(() => relu(null as unknown as Matrix)).toThrow('relu: x must be a Tensor');
    expect(() => map(b, 3 as unknown as (v: number) => number)).toThrow(
      'map: fn must be a function',
    );
  });
});

describe('reluInto on contiguous data', () => {
  it.each(['float32', 'float64'] as const)(
    'matches Math.max(x, 0) on %s, NaN and -0 included',
    (dtype) => {
      const values = [
        -2,
        -0,
        0,
        1.5,
        Number.NaN,
        -Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        3e-39,
      ];
      // An offset view: the first element is outside and must stay.
      const all = fromArray([7, ...values], { dtype });
      const view = { ...all, shape: [values.length] as const, offset: 1 };
      reluInto(view);
      const got = Array.from(all.data);
      const want = [7, ...values.map((v) => Math.max(dtype === 'float32' ? Math.fround(v) : v, 0))];
      expect(got.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        want.map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
    },
  );
});
