import { describe, expect, it } from 'vitest';
import {
  allocate,
  assertDType,
  assertSameDType,
  assertShape,
  assertTensor,
  col,
  copy,
  copyInto,
  DTYPES,
  dtypeOf,
  eye,
  fromArray,
  fromTypedArray,
  full,
  get,
  isContiguous,
  type Matrix,
  row,
  setInto,
  sizeOf,
  sliceCols,
  sliceRows,
  toArray,
  transpose,
  view,
  zeros,
} from './index.js';

// [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
const grid = (): Matrix => fromArray([0, 1, 2].map((i) => [0, 1, 2, 3].map((j) => 4 * i + j)));

describe('creation', () => {
  it('zeros, full and eye give the right shape, dtype and values', () => {
    for (const dtype of DTYPES) {
      const z = zeros([2, 3], { dtype });
      expect(z.dtype).toBe(dtype);
      expect(z.shape).toEqual([2, 3]);
      expect(z.stride).toEqual([3, 1]);
      expect(z.offset).toBe(0);
      expect(z.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      expect(toArray(z)).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
      expect(toArray(full([3], 1.5, { dtype }))).toEqual([1.5, 1.5, 1.5]);
      expect(toArray(eye(3, { dtype }))).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
    }
    expect(zeros([4]).dtype).toBe('float64');
    expect(zeros([0, 5]).data.length).toBe(0);
    expect(toArray(zeros([0]))).toEqual([]);
  });

  it.each([
    [-1, 'got -1'],
    [1.5, 'got 1.5'],
    [Number.NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
  ])('refuses the size %s, naming the op and the argument', (bad, got) => {
    expect(() => zeros([bad])).toThrow(RangeError);
    expect(() => zeros([bad])).toThrow(`zeros: shape[0] must be a non-negative integer, ${got}`);
    expect(() => zeros([2, bad])).toThrow('zeros: shape[1]');
    expect(() => full([bad, 1], 0)).toThrow('shape[0]');
    expect(() => eye(bad)).toThrow('zeros: shape[0]');
  });

  it('refuses bad shapes and dtypes', () => {
    expect(() => zeros([] as unknown as [number])).toThrow(RangeError);
    expect(() => zeros([1, 2, 3] as unknown as [number])).toThrow(
      'zeros: shape must be [n] or [rows, cols]',
    );
    expect(() => zeros([2], { dtype: 'int32' as 'float32' })).toThrow(
      new RangeError(`zeros: dtype must be one of "float32", "float64", got "int32"`),
    );
    expect(() => zeros([2], { dtype: 32 as unknown as 'float32' })).toThrow(TypeError);
    expect(() => assertDType('op', 'float16')).toThrow(RangeError);
  });

  it('fromArray copies vectors and matrices and checks rows and entries', () => {
    const v = fromArray([1, 2, 3], { dtype: 'float32' });
    expect(v.shape).toEqual([3]);
    expect(v.dtype).toBe('float32');
    expect(toArray(v)).toEqual([1, 2, 3]);
    const m = fromArray([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(m.shape).toEqual([3, 2]);
    expect(toArray(m)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(fromArray([]).shape).toEqual([0]);
    expect(() => fromArray([[1, 2], [3]])).toThrow('fromArray: row 1 has length 1, expected 2');
    expect(() => fromArray([1, 'x' as unknown as number])).toThrow(
      'fromArray: entry [1] is not a number',
    );
    expect(() => fromArray('abc' as unknown as number[])).toThrow(TypeError);
    // Float32 storage rounds once.
    expect(toArray(fromArray([0.1], { dtype: 'float32' }))[0]).toBe(Math.fround(0.1));
  });

  it('fromTypedArray wraps without copying and checks the length', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const m = fromTypedArray(data, [2, 3]);
    expect(m.dtype).toBe('float32');
    data[4] = 50;
    expect(get(m, 1, 1)).toBe(50);
    expect(() => fromTypedArray(data, [4, 2])).toThrow(
      'fromTypedArray: data has 6 elements, shape [4, 2] needs 8',
    );
    expect(() => fromTypedArray([1, 2] as unknown as Float64Array, [2])).toThrow(TypeError);
  });

  it('dtype helpers', () => {
    expect(dtypeOf(new Float32Array(1))).toBe('float32');
    expect(dtypeOf(new Float64Array(1))).toBe('float64');
    expect(dtypeOf(new Int32Array(1))).toBeUndefined();
    expect(allocate('float32', 3)).toEqual(new Float32Array(3));
    expect(sizeOf([3, 4])).toBe(12);
    expect(sizeOf([5])).toBe(5);
  });
});

describe('views', () => {
  it('view checks that the view lies inside the buffer, including negative strides', () => {
    const data = new Float64Array([0, 1, 2, 3, 4, 5]);
    expect(toArray(view(data, [2, 2], [1, 2], 1))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(toArray(view(data, [3], [-2], 5))).toEqual([5, 3, 1]);
    expect(() => view(data, [3, 3])).toThrow(
      'view: shape [3, 3] with stride [3, 1] and offset 0 exceeds a buffer of 6 elements',
    );
    expect(() => view(data, [3], [-2], 3)).toThrow(RangeError);
    expect(view(data, [0, 7]).shape).toEqual([0, 7]);
    expect(() => view([1] as unknown as Float64Array, [1])).toThrow(TypeError);
  });

  it('transpose, slices, row and col share data and index correctly', () => {
    const m = grid();
    const t = transpose(m);
    expect(t.shape).toEqual([4, 3]);
    expect(t.data).toBe(m.data);
    expect(toArray(t)[3]).toEqual([3, 7, 11]);
    expect(toArray(sliceRows(m, 1, 3))).toEqual([
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(toArray(sliceRows(m, 2))).toEqual([[8, 9, 10, 11]]);
    expect(toArray(sliceCols(m, 1, 3))).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(toArray(sliceCols(transpose(m), 1))).toEqual([
      [4, 8],
      [5, 9],
      [6, 10],
      [7, 11],
    ]);
    expect(toArray(row(m, 1))).toEqual([4, 5, 6, 7]);
    expect(toArray(col(m, 2))).toEqual([2, 6, 10]);
    expect(toArray(row(transpose(m), 1))).toEqual([1, 5, 9]);
    expect(toArray(col(sliceCols(m, 1), 0))).toEqual([1, 5, 9]);
    expect(sliceRows(m, 3).shape).toEqual([0, 4]);
  });

  it('refuses ranges outside the matrix', () => {
    const m = grid();
    expect(() => sliceRows(m, 2, 4)).toThrow('sliceRows: range [2, 4) outside 0..3');
    expect(() => sliceRows(m, 2, 1)).toThrow(RangeError);
    expect(() => sliceCols(m, -1)).toThrow(
      'sliceCols: start must be a non-negative integer, got -1',
    );
    expect(() => sliceCols(m, 0.5)).toThrow(RangeError);
    expect(() => row(m, 3)).toThrow('row: range [3, 4) outside 0..3');
    expect(() => col(m, 4)).toThrow('col: range [4, 5) outside 0..4');
  });

  it('isContiguous', () => {
    const m = grid();
    expect(isContiguous(m)).toBe(true);
    expect(isContiguous(transpose(m))).toBe(false);
    expect(isContiguous(sliceRows(m, 1))).toBe(true);
    expect(isContiguous(sliceCols(m, 1))).toBe(false);
    expect(isContiguous(row(m, 1))).toBe(true);
    expect(isContiguous(col(m, 1))).toBe(false);
    expect(isContiguous(sliceCols(sliceRows(m, 1, 2), 1))).toBe(true);
  });
});

describe('element access and copies', () => {
  it('get and setInto index views and check bounds', () => {
    const m = grid();
    const t = transpose(sliceCols(m, 1));
    expect(get(t, 2, 1)).toBe(7);
    setInto(t, [2, 1], -1);
    expect(get(m, 1, 3)).toBe(-1);
    expect(get(row(m, 2), 3)).toBe(11);
    expect(() => get(m, 3, 0)).toThrow('get: index [3, 0] outside shape [3, 4]');
    expect(() => get(m, 0)).toThrow(RangeError);
    expect(() => get(m, 0, 1.5)).toThrow(RangeError);
    expect(() => get(m, -1, 0)).toThrow(RangeError);
    expect(() => setInto(m, [0, 4], 1)).toThrow('setInto: index [0, 4] outside shape [3, 4]');
  });

  it('copy makes a contiguous row-major copy, optionally in another dtype', () => {
    const m = grid();
    const t = transpose(sliceRows(m, 1));
    const c = copy(t);
    expect(isContiguous(c)).toBe(true);
    expect(c.data).not.toBe(m.data);
    expect(toArray(c)).toEqual(toArray(t));
    const f = copy(fromArray([0.1, 1e40]), 'float32');
    expect(f.dtype).toBe('float32');
    expect(toArray(f)).toEqual([Math.fround(0.1), Infinity]);
    setInto(c, [0, 0], 99);
    expect(get(m, 1, 0)).toBe(4);
  });

  it('copyInto writes through views and names both shapes on mismatch', () => {
    const m = grid();
    const src = fromArray([
      [-1, -2, -3],
      [-4, -5, -6],
    ]);
    copyInto(transpose(sliceCols(m, 1, 3)), src);
    expect(toArray(m)).toEqual([
      [0, -1, -4, 3],
      [4, -2, -5, 7],
      [8, -3, -6, 11],
    ]);
    expect(() => copyInto(zeros([2, 3]), zeros([3, 2]))).toThrow(
      'copyInto: shape mismatch: out [2, 3] vs src [3, 2]',
    );
    expect(() => copyInto(zeros([6]), zeros([2, 3]))).toThrow(RangeError);
  });
});

describe('assertions', () => {
  it('assertTensor names the op, the argument and what was expected', () => {
    expect(() => assertTensor('f', 'x', null)).toThrow('f: x must be a Tensor (float32/float64)');
    expect(() => assertTensor('f', 'x', zeros([3]), 2)).toThrow(
      'f: x must be a Matrix (float32/float64), got shape [3]',
    );
    expect(() => assertTensor('f', 'v', zeros([3, 1]), 1)).toThrow('f: v must be a Vector');
    expect(() => assertTensor('f', 'x', { shape: [1], data: [1] })).toThrow(TypeError);
    expect(() => assertTensor('f', 'x', zeros([2, 2]), 2)).not.toThrow();
  });

  it('assertShape accepts -1 as any size and names both shapes', () => {
    const x = zeros([5, 3]);
    expect(() => assertShape('fit', 'x', x, [-1, 3])).not.toThrow();
    expect(() => assertShape('fit', 'x', x, [5, 4])).toThrow(
      'fit: x has shape [5, 3], expected [5, 4]',
    );
    expect(() => assertShape('fit', 'x', x, [-1, 4])).toThrow('expected [*, 4]');
    expect(() => assertShape('fit', 'x', x, [15])).toThrow(RangeError);
  });

  it('assertSameDType names both arguments and both dtypes', () => {
    const a = zeros([2], { dtype: 'float32' });
    const b = zeros([2], { dtype: 'float64' });
    expect(assertSameDType('add', { a, c: zeros([1], { dtype: 'float32' }) })).toBe('float32');
    expect(() => assertSameDType('add', { a, b })).toThrow(
      'add: dtype mismatch: a is float32 but b is float64',
    );
  });
});
