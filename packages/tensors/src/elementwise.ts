import ops from 'ndarray-ops';
import { nd } from './_nd.js';
import { checkFinite, fmtShape } from './_validate.js';
import type { DType } from './dtype.js';
import {
  assertSameDType,
  assertTensor,
  isContiguous,
  loop2d,
  type Shape,
  type Tensor,
  zeros,
} from './tensor.js';

function like<S extends Shape, D extends DType>(t: Tensor<S, D>): Tensor<S, D> {
  return zeros(t.shape, { dtype: t.dtype });
}

function assertSameShape(op: string, names: [string, string], a: Tensor, b: Tensor): void {
  assertTensor(op, names[0], a);
  assertTensor(op, names[1], b);
  if (a.shape.length !== b.shape.length || a.shape.some((s, k) => s !== b.shape[k])) {
    throw new RangeError(
      `${op}: shape mismatch: ${names[0]} is ${fmtShape(a.shape)} but ${names[1]} is ${fmtShape(b.shape)}`,
    );
  }
}

function binary<S extends Shape, D extends DType>(
  op: string,
  a: Tensor<S, D>,
  b: Tensor<S, D>,
  kernel: (out: ReturnType<typeof nd>, x: ReturnType<typeof nd>, y: ReturnType<typeof nd>) => void,
): Tensor<S, D> {
  assertSameShape(op, ['a', 'b'], a, b);
  assertSameDType(op, { a, b });
  const out = like(a);
  kernel(nd(out), nd(a), nd(b));
  return out;
}

/**
 * Elementwise sum `a + b` (same shape and dtype).
 *
 * @throws {RangeError} when shapes differ
 * @example
 * toArray(add(fromArray([1, 2]), fromArray([3, 4]))); // returns [4, 6]
 */
export function add<S extends Shape, D extends DType>(
  a: Tensor<S, D>,
  b: Tensor<S, D>,
): Tensor<S, D> {
  return binary('add', a, b, ops.add);
}

/** Elementwise difference `a - b`. */
export function sub<S extends Shape, D extends DType>(
  a: Tensor<S, D>,
  b: Tensor<S, D>,
): Tensor<S, D> {
  return binary('sub', a, b, ops.sub);
}

/** Elementwise (Hadamard) product `a * b`. */
export function mul<S extends Shape, D extends DType>(
  a: Tensor<S, D>,
  b: Tensor<S, D>,
): Tensor<S, D> {
  return binary('mul', a, b, ops.mul);
}

/**
 * `s * x` as a new tensor.
 *
 * @example
 * toArray(scale(fromArray([1, -2]), 3)); // returns [3, -6]
 */
export function scale<S extends Shape, D extends DType>(x: Tensor<S, D>, s: number): Tensor<S, D> {
  assertTensor('scale', 'x', x);
  checkFinite('scale', 's', s);
  const out = like(x);
  ops.muls(nd(out), nd(x), s);
  return out;
}

/** Scales `x` in place by `s`. */
export function scaleInto(x: Tensor, s: number): void {
  assertTensor('scaleInto', 'x', x);
  checkFinite('scaleInto', 's', s);
  ops.mulseq(nd(x), s);
}

/** `x + s` elementwise, as a new tensor. */
export function addScalar<S extends Shape, D extends DType>(
  x: Tensor<S, D>,
  s: number,
): Tensor<S, D> {
  assertTensor('addScalar', 'x', x);
  checkFinite('addScalar', 's', s);
  const out = like(x);
  ops.adds(nd(out), nd(x), s);
  return out;
}

/**
 * `y += alpha * x` in place (BLAS axpy).
 *
 * @throws {RangeError} when shapes differ
 */
export function axpyInto(y: Tensor, alpha: number, x: Tensor): void {
  assertSameShape('axpyInto', ['y', 'x'], y, x);
  checkFinite('axpyInto', 'alpha', alpha);
  // ndarray-ops has no fused axpy; one strided loop avoids a temporary.
  const [rows, cols, ys0, ys1, xs0, xs1] = loop2d(y, x);
  const yd = y.data;
  const xd = x.data;
  for (let i = 0; i < rows; i++) {
    let yo = y.offset + i * ys0;
    let xo = x.offset + i * xs0;
    for (let j = 0; j < cols; j++, yo += ys1, xo += xs1) yd[yo] += alpha * xd[xo];
  }
}

/** `out = a + b` into an existing tensor. */
export function addInto(out: Tensor, a: Tensor, b: Tensor): void {
  assertSameShape('addInto', ['out', 'a'], out, a);
  assertSameShape('addInto', ['a', 'b'], a, b);
  ops.add(nd(out), nd(a), nd(b));
}

/**
 * `max(x, 0)` elementwise.
 *
 * @example
 * toArray(relu(fromArray([-1, 0, 2]))); // returns [0, 0, 2]
 */
export function relu<S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, D> {
  assertTensor('relu', 'x', x);
  const out = like(x);
  ops.maxs(nd(out), nd(x), 0);
  return out;
}

/** `x = max(x, 0)` in place (`Math.max` semantics: NaN stays NaN, -0 becomes 0). */
export function reluInto(x: Tensor): void {
  assertTensor('reluInto', 'x', x);
  const n = x.shape.reduce((a, b) => a * b, 1);
  if (n > 0 && isContiguous(x)) {
    // One tight loop per array type keeps V8's element access monomorphic.
    if (x.data instanceof Float32Array) relu32(x.data, x.offset, n);
    else relu64(x.data, x.offset, n);
    return;
  }
  ops.maxseq(nd(x), 0);
}

function relu32(d: Float32Array, o: number, n: number): void {
  for (let i = o, end = o + n; i < end; i++) {
    const v = d[i];
    // `<=`, not `v > 0 ? v : 0`: NaN stays NaN and -0 becomes 0, as with Math.max.
    if (v <= 0) d[i] = 0;
  }
}

function relu64(d: Float64Array, o: number, n: number): void {
  for (let i = o, end = o + n; i < end; i++) {
    const v = d[i];
    if (v <= 0) d[i] = 0;
  }
}

/**
 * The ReLU derivative mask: 1 where `x > 0`, else 0 (the derivative at 0 is taken as 0).
 *
 * @example
 * toArray(reluMask(fromArray([-1, 0, 2]))); // returns [0, 0, 1]
 */
export function reluMask<S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, D> {
  assertTensor('reluMask', 'x', x);
  const out = like(x);
  ops.gts(nd(out), nd(x), 0);
  return out;
}

/**
 * `fn` applied to every element, as a new tensor (for anything the named ops do not cover).
 *
 * @example
 * toArray(map(fromArray([1, 4]), Math.sqrt)); // returns [1, 2]
 */
export function map<S extends Shape, D extends DType>(
  x: Tensor<S, D>,
  fn: (v: number) => number,
): Tensor<S, D> {
  assertTensor('map', 'x', x);
  if (typeof fn !== 'function') throw new TypeError('map: fn must be a function');
  const out = like(x);
  const o = out.data;
  if (x.shape.length === 1) {
    for (let i = 0; i < x.shape[0]; i++) o[i] = fn(x.data[x.offset + i * x.stride[0]]);
    return out;
  }
  const [rows, cols] = x.shape as readonly [number, number];
  const [s0, s1] = x.stride as readonly [number, number];
  for (let i = 0, k = 0; i < rows; i++)
    for (let j = 0; j < cols; j++, k++) o[k] = fn(x.data[x.offset + i * s0 + j * s1]);
  return out;
}
