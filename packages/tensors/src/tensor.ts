import { fmtShape } from './_shape.js';
import {
  allocate,
  assertDType,
  type DataFor,
  type DType,
  dtypeOf,
  type FloatArray,
} from './dtype.js';
import { checkSize, rangeError, typeError } from './validate.js';

/** A shape of rank 1 (`[n]`) or rank 2 (`[rows, cols]`). */
export type Shape = readonly [number] | readonly [number, number];

/**
 * A dense strided view over a typed array. For a matrix, element (i, j) lives at
 * `data[offset + i * stride[0] + j * stride[1]]`. Views (transpose, slices) share `data`.
 */
export interface Tensor<S extends Shape = Shape, D extends DType = DType> {
  readonly dtype: D;
  readonly shape: S;
  readonly stride: S;
  readonly offset: number;
  readonly data: DataFor<D>;
}

/** A 2-D tensor, `shape: [rows, cols]`. */
export type Matrix<D extends DType = DType> = Tensor<readonly [rows: number, cols: number], D>;

/** A 1-D tensor, `shape: [n]`. */
export type Vector<D extends DType = DType> = Tensor<readonly [n: number], D>;

/** Options accepted by the creation functions. */
export interface CreateOptions<D extends DType = DType> {
  /** Element type; default `'float64'`. */
  dtype?: D;
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  return shape.length === 1 ? shape[0] : shape[0] * shape[1];
}

function checkShape(op: string, shape: unknown): asserts shape is Shape {
  if (!Array.isArray(shape)) typeError(op, 'shape', '[n] or [rows, cols]', shape);
  if (shape.length !== 1 && shape.length !== 2) {
    rangeError(op, 'shape', '[n] or [rows, cols]', shape);
  }
  for (let i = 0; i < shape.length; i++) checkSize(op, `shape[${i}]`, shape[i]);
}

function rowMajorStride<S extends Shape>(shape: S): S {
  return (shape.length === 1 ? [1] : [shape[1], 1]) as unknown as S;
}

/**
 * A view over `data` with the given shape, stride and offset; the view is checked to lie inside
 * the buffer. Stride defaults to row-major.
 *
 * @throws {RangeError} when the view reaches outside `data`
 */
export function view<S extends Shape, D extends DType>(
  data: DataFor<D>,
  shape: S,
  stride?: S,
  offset = 0,
): Tensor<S, D> {
  const dtype = dtypeOf(data);
  if (dtype === undefined) throw new TypeError('view: data must be a Float32Array or Float64Array');
  checkShape('view', shape);
  const st = stride ?? rowMajorStride(shape);
  if (sizeOf(shape) > 0) {
    let lo = offset;
    let hi = offset;
    for (let k = 0; k < shape.length; k++) {
      const span = (shape[k] - 1) * st[k];
      if (span < 0) lo += span;
      else hi += span;
    }
    if (lo < 0 || hi >= data.length) {
      throw new RangeError(
        `view: shape ${fmtShape(shape)} with stride ${fmtShape(st)} and offset ${offset} exceeds a buffer of ${data.length} elements`,
      );
    }
  }
  return {
    dtype: dtype as D,
    shape: [...shape] as unknown as S,
    stride: [...st] as unknown as S,
    offset,
    data,
  };
}

/**
 * A zero-filled tensor.
 *
 * @param shape - `[n]` or `[rows, cols]`
 * @throws {RangeError} when a size is negative, fractional, NaN or infinite
 * @example
 * zeros([2, 3], { dtype: 'float32' }).shape; // returns [2, 3]
 */
export function zeros<S extends Shape, D extends DType = 'float64'>(
  shape: S,
  opts: CreateOptions<D> = {},
): Tensor<S, D> {
  checkShape('zeros', shape);
  const dtype = (opts.dtype ?? 'float64') as D;
  assertDType('zeros', dtype);
  return view(allocate(dtype, sizeOf(shape)), shape);
}

/**
 * A tensor filled with `value`.
 *
 * @example
 * toArray(full([1, 2], 7)); // returns [[7, 7]]
 */
export function full<S extends Shape, D extends DType = 'float64'>(
  shape: S,
  value: number,
  opts: CreateOptions<D> = {},
): Tensor<S, D> {
  const t = zeros(shape, opts);
  t.data.fill(value);
  return t;
}

/** The `n x n` identity matrix. */
export function eye<D extends DType = 'float64'>(
  n: number,
  opts: CreateOptions<D> = {},
): Matrix<D> {
  const m = zeros([n, n] as const, opts);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/**
 * A tensor copied from a plain array (`number[]` gives a vector, `number[][]` a matrix whose
 * rows must have equal length).
 *
 * @throws {RangeError} when rows differ in length
 * @throws {TypeError} when an entry is not a number
 * @example
 * fromArray([[1, 2], [3, 4]]).shape; // returns [2, 2]
 * fromArray([1, 2, 3]).shape;        // returns [3]
 */
export function fromArray<D extends DType = 'float64'>(
  values: readonly number[],
  opts?: CreateOptions<D>,
): Vector<D>;
export function fromArray<D extends DType = 'float64'>(
  values: readonly (readonly number[])[],
  opts?: CreateOptions<D>,
): Matrix<D>;
export function fromArray<D extends DType = 'float64'>(
  values: readonly number[] | readonly (readonly number[])[],
  opts: CreateOptions<D> = {},
): Vector<D> | Matrix<D> {
  if (!Array.isArray(values)) throw new TypeError('fromArray: values must be an array');
  if (values.length > 0 && Array.isArray(values[0])) {
    const rows = values as readonly (readonly number[])[];
    const n = rows.length;
    const d = rows[0].length;
    const m = zeros([n, d] as const, opts);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== d) {
        throw new RangeError(
          `fromArray: row ${i} has length ${Array.isArray(row) ? row.length : 'n/a'}, expected ${d}`,
        );
      }
      for (let j = 0; j < d; j++) m.data[i * d + j] = checkEntry(row[j], `[${i}, ${j}]`);
    }
    return m;
  }
  const xs = values as readonly number[];
  const v = zeros([xs.length] as const, opts);
  for (let i = 0; i < xs.length; i++) v.data[i] = checkEntry(xs[i], `[${i}]`);
  return v;
}

function checkEntry(v: unknown, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`fromArray: entry ${where} is not a number`);
  return v;
}

/**
 * A row-major tensor over an existing typed array (no copy).
 *
 * @throws {RangeError} when `data.length` differs from the shape's size
 */
export function fromTypedArray<S extends Shape, D extends DType>(
  data: DataFor<D>,
  shape: S,
): Tensor<S, D> {
  checkShape('fromTypedArray', shape);
  if (dtypeOf(data) === undefined)
    throw new TypeError('fromTypedArray: data must be a Float32Array or Float64Array');
  if (data.length !== sizeOf(shape)) {
    throw new RangeError(
      `fromTypedArray: data has ${data.length} elements, shape ${fmtShape(shape)} needs ${sizeOf(shape)}`,
    );
  }
  return view(data, shape);
}

/** A plain-array copy: `number[]` for a vector, `number[][]` for a matrix. */
export function toArray(t: Vector): number[];
export function toArray(t: Matrix): number[][];
export function toArray(t: Tensor): number[] | number[][];
export function toArray(t: Tensor): number[] | number[][] {
  if (t.shape.length === 1) {
    const out = new Array<number>(t.shape[0]);
    for (let i = 0; i < t.shape[0]; i++) out[i] = t.data[t.offset + i * t.stride[0]];
    return out;
  }
  const [rows, cols] = t.shape as readonly [number, number];
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++)
      row[j] = t.data[t.offset + i * t.stride[0] + j * (t.stride[1] as number)];
    out.push(row);
  }
  return out;
}

/** True when the elements are stored row-major with no gaps. */
export function isContiguous(t: Tensor): boolean {
  if (t.shape.length === 1) return t.stride[0] === 1 || t.shape[0] <= 1;
  const [rows, cols] = t.shape as readonly [number, number];
  const st = t.stride as readonly [number, number];
  return (st[1] === 1 || cols <= 1) && (st[0] === cols || rows <= 1);
}

/** The transpose as a view (no copy). */
export function transpose<D extends DType>(m: Matrix<D>): Matrix<D> {
  return {
    dtype: m.dtype,
    shape: [m.shape[1], m.shape[0]],
    stride: [m.stride[1], m.stride[0]],
    offset: m.offset,
    data: m.data,
  };
}

/** Rows `start <= i < end` as a view (no copy). */
export function sliceRows<D extends DType>(
  m: Matrix<D>,
  start: number,
  end: number = m.shape[0],
): Matrix<D> {
  checkRange('sliceRows', start, end, m.shape[0]);
  return {
    dtype: m.dtype,
    shape: [end - start, m.shape[1]],
    stride: m.stride,
    offset: m.offset + start * m.stride[0],
    data: m.data,
  };
}

/** Columns `start <= j < end` as a view (no copy). */
export function sliceCols<D extends DType>(
  m: Matrix<D>,
  start: number,
  end: number = m.shape[1],
): Matrix<D> {
  checkRange('sliceCols', start, end, m.shape[1]);
  return {
    dtype: m.dtype,
    shape: [m.shape[0], end - start],
    stride: m.stride,
    offset: m.offset + start * m.stride[1],
    data: m.data,
  };
}

/** Row `i` as a vector view (no copy). */
export function row<D extends DType>(m: Matrix<D>, i: number): Vector<D> {
  checkRange('row', i, i + 1, m.shape[0]);
  return {
    dtype: m.dtype,
    shape: [m.shape[1]],
    stride: [m.stride[1]],
    offset: m.offset + i * m.stride[0],
    data: m.data,
  };
}

/** Column `j` as a vector view (no copy). */
export function col<D extends DType>(m: Matrix<D>, j: number): Vector<D> {
  checkRange('col', j, j + 1, m.shape[1]);
  return {
    dtype: m.dtype,
    shape: [m.shape[0]],
    stride: [m.stride[0]],
    offset: m.offset + j * m.stride[1],
    data: m.data,
  };
}

function checkRange(op: string, start: number, end: number, n: number): void {
  checkSize(op, 'start', start);
  checkSize(op, 'end', end);
  if (start > end || end > n)
    throw new RangeError(`${op}: range [${start}, ${end}) outside 0..${n}`);
}

/** Element at `index` (`[i]` or `[i, j]`); bounds are checked. */
export function get(t: Tensor, ...index: number[]): number {
  return t.data[flatIndex('get', t, index)];
}

/** Sets the element at `index` in place; bounds are checked. */
export function setInto(t: Tensor, index: readonly number[], value: number): void {
  t.data[flatIndex('setInto', t, index)] = value;
}

function flatIndex(op: string, t: Tensor, index: readonly number[]): number {
  if (
    index.length !== t.shape.length ||
    index.some((k, a) => !(Number.isInteger(k) && k >= 0 && k < t.shape[a]))
  ) {
    throw new RangeError(`${op}: index ${fmtShape(index)} outside shape ${fmtShape(t.shape)}`);
  }
  let o = t.offset;
  for (let a = 0; a < index.length; a++) o += index[a] * t.stride[a];
  return o;
}

/** A contiguous row-major copy, optionally converted to another dtype. */
export function copy<S extends Shape, D extends DType, E extends DType = D>(
  t: Tensor<S, D>,
  dtype?: E,
): Tensor<S, E> {
  const out = zeros(t.shape, { dtype: (dtype ?? t.dtype) as E });
  copyInto(out, t);
  return out;
}

/** Copies `src` into `out` elementwise (shapes must match; dtypes may differ). */
export function copyInto(out: Tensor, src: Tensor): void {
  if (out.shape.length !== src.shape.length || out.shape.some((s, k) => s !== src.shape[k])) {
    throw new RangeError(
      `copyInto: shape mismatch: out ${fmtShape(out.shape)} vs src ${fmtShape(src.shape)}`,
    );
  }
  const od = out.data as FloatArray;
  const sd = src.data;
  const [rows, cols, os0, os1, ss0, ss1] = loop2d(out, src);
  for (let i = 0; i < rows; i++) {
    let o = out.offset + i * os0;
    let s = src.offset + i * ss0;
    for (let j = 0; j < cols; j++, o += os1, s += ss1) od[o] = sd[s];
  }
}

/** Two equal-shaped tensors as 2-D loops: [rows, cols, aStride0, aStride1, bStride0, bStride1]. @internal */
export function loop2d(a: Tensor, b: Tensor): [number, number, number, number, number, number] {
  if (a.shape.length === 1) return [1, a.shape[0], 0, a.stride[0], 0, b.stride[0]];
  return [
    a.shape[0],
    a.shape[1] as number,
    a.stride[0],
    a.stride[1] as number,
    b.stride[0],
    b.stride[1] as number,
  ];
}

/** Throws unless `t` is a tensor of the given rank; names the operation and argument. */
export function assertTensor(
  op: string,
  name: string,
  t: unknown,
  rank?: 1 | 2,
): asserts t is Tensor {
  const x = t as Tensor | null;
  const what = rank === 1 ? 'a Vector' : rank === 2 ? 'a Matrix' : 'a Tensor';
  if (
    x === null ||
    typeof x !== 'object' ||
    !Array.isArray(x.shape) ||
    dtypeOf(x.data) === undefined
  ) {
    throw new TypeError(
      `${op}: ${name} must be ${what} (float32/float64)${x && typeof x === 'object' && Array.isArray(x.shape) ? `, got shape ${fmtShape(x.shape)}` : ''}`,
    );
  }
  if (rank !== undefined && x.shape.length !== rank) {
    throw new RangeError(
      `${op}: ${name} must be ${what} (float32/float64), got shape ${fmtShape(x.shape)}`,
    );
  }
}

/**
 * Throws unless `t` has the expected shape; `-1` in `expected` matches any size.
 *
 * @example
 * assertShape('forward', 'x', x, [-1, d]); // any number of rows, d columns
 */
export function assertShape(
  op: string,
  name: string,
  t: unknown,
  expected: readonly number[],
): void {
  assertTensor(op, name, t);
  const s = (t as Tensor).shape;
  if (s.length !== expected.length || expected.some((e, k) => e >= 0 && s[k] !== e)) {
    const want = `[${expected.map((e) => (e < 0 ? '*' : e)).join(', ')}]`;
    throw new RangeError(`${op}: ${name} has shape ${fmtShape(s)}, expected ${want}`);
  }
}

/** Throws unless all tensors share one dtype. */
export function assertSameDType(op: string, named: Record<string, Tensor>): DType {
  const entries = Object.entries(named);
  const dt = entries[0][1].dtype;
  for (const [name, t] of entries) {
    if (t.dtype !== dt) {
      throw new RangeError(
        `${op}: dtype mismatch: ${entries[0][0]} is ${dt} but ${name} is ${t.dtype}`,
      );
    }
  }
  return dt;
}
