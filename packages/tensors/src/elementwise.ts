import {
  addScalarStrided,
  addStrided,
  axpyStrided,
  mulStrided,
  reluStrided,
  scaleStrided,
  stepStrided,
  subStrided,
} from './_kernels/elementwise.js';
import { loopNest } from './_loopNest.js';
import { fmtShape } from './_shape.js';
import type { DType } from './dtype.js';
import { viaNdarrayOps } from './elementwisePath.js';
import { assertSameDType, assertTensor, type Shape, type Tensor, zeros } from './tensor.js';
import { checkFinite, checkFunction } from './validate.js';

// Each op validates, allocates its output, then runs ndarray-ops when an operand is strided and
// ndarray-ops is loaded (see elementwisePath), else the plain strided loops of _kernels/.

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

type BinaryKernel = typeof addStrided;
type ScalarKernel = typeof scaleStrided;
type UnaryKernel = typeof reluStrided;

function binaryLoops(kernel: BinaryKernel, out: Tensor, a: Tensor, b: Tensor): void {
  const [rows, cols, so0, so1, sa0, sa1, sb0, sb1] = loopNest(out, a, b);
  kernel(
    rows,
    cols,
    out.data,
    so0,
    so1,
    out.offset,
    a.data,
    sa0,
    sa1,
    a.offset,
    b.data,
    sb0,
    sb1,
    b.offset,
  );
}

function scalarLoops(kernel: ScalarKernel, out: Tensor, x: Tensor, s: number): void {
  const [rows, cols, so0, so1, sx0, sx1] = loopNest(out, x);
  kernel(rows, cols, out.data, so0, so1, out.offset, x.data, sx0, sx1, x.offset, s);
}

function unaryLoops(kernel: UnaryKernel, out: Tensor, x: Tensor): void {
  const [rows, cols, so0, so1, sx0, sx1] = loopNest(out, x);
  kernel(rows, cols, out.data, so0, so1, out.offset, x.data, sx0, sx1, x.offset);
}

function binary<S extends Shape, D extends DType>(
  op: 'add' | 'sub' | 'mul',
  a: Tensor<S, D>,
  b: Tensor<S, D>,
  kernel: BinaryKernel,
): Tensor<S, D> {
  assertSameShape(op, ['a', 'b'], a, b);
  assertSameDType(op, { a, b });
  const out = like(a);
  if (!viaNdarrayOps([a, b], (nd) => nd[op](out, a, b))) binaryLoops(kernel, out, a, b);
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
  return binary('add', a, b, addStrided);
}

/** Elementwise difference `a - b`. */
export function sub<S extends Shape, D extends DType>(
  a: Tensor<S, D>,
  b: Tensor<S, D>,
): Tensor<S, D> {
  return binary('sub', a, b, subStrided);
}

/** Elementwise (Hadamard) product `a * b`. */
export function mul<S extends Shape, D extends DType>(
  a: Tensor<S, D>,
  b: Tensor<S, D>,
): Tensor<S, D> {
  return binary('mul', a, b, mulStrided);
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
  if (!viaNdarrayOps([x], (nd) => nd.scale(out, x, s))) scalarLoops(scaleStrided, out, x, s);
  return out;
}

/** Scales `x` in place by `s`. */
export function scaleInto(x: Tensor, s: number): void {
  assertTensor('scaleInto', 'x', x);
  checkFinite('scaleInto', 's', s);
  if (!viaNdarrayOps([x], (nd) => nd.scale(x, x, s))) scalarLoops(scaleStrided, x, x, s);
}

/** `x + s` elementwise, as a new tensor. */
export function addScalar<S extends Shape, D extends DType>(
  x: Tensor<S, D>,
  s: number,
): Tensor<S, D> {
  assertTensor('addScalar', 'x', x);
  checkFinite('addScalar', 's', s);
  const out = like(x);
  if (!viaNdarrayOps([x], (nd) => nd.addScalar(out, x, s)))
    scalarLoops(addScalarStrided, out, x, s);
  return out;
}

/**
 * `y += alpha * x` in place (BLAS axpy), fused: `alpha * x` is not rounded to the dtype first.
 *
 * @throws {RangeError} when shapes differ
 */
export function axpyInto(y: Tensor, alpha: number, x: Tensor): void {
  assertSameShape('axpyInto', ['y', 'x'], y, x);
  checkFinite('axpyInto', 'alpha', alpha);
  // ndarray-ops has no fused axpy, so this is the loops on every path.
  const [rows, cols, sy0, sy1, sx0, sx1] = loopNest(y, x);
  axpyStrided(rows, cols, y.data, sy0, sy1, y.offset, alpha, x.data, sx0, sx1, x.offset);
}

/** `out = a + b` into an existing tensor. */
export function addInto(out: Tensor, a: Tensor, b: Tensor): void {
  assertSameShape('addInto', ['out', 'a'], out, a);
  assertSameShape('addInto', ['a', 'b'], a, b);
  if (!viaNdarrayOps([out, a, b], (nd) => nd.add(out, a, b))) binaryLoops(addStrided, out, a, b);
}

/**
 * `max(x, 0)` elementwise.
 *
 * @deprecated tensors no longer names activations: use `map(x, (v) => Math.max(v, 0))`, the
 * GEMM epilogue `{ kind: 'leaky', slope: 0 }`, or `activation('relu')` from @mtrl/network.
 *
 * @example
 * toArray(relu(fromArray([-1, 0, 2]))); // returns [0, 0, 2]
 */
export function relu<S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, D> {
  assertTensor('relu', 'x', x);
  const out = like(x);
  if (!viaNdarrayOps([x], (nd) => nd.relu(out, x))) unaryLoops(reluStrided, out, x);
  return out;
}

/**
 * `x = max(x, 0)` in place (`Math.max` semantics: NaN stays NaN, -0 becomes 0).
 *
 * @deprecated tensors no longer names activations: use the GEMM epilogue
 * `{ kind: 'leaky', slope: 0 }` or `activation('relu')` from @mtrl/network.
 */
export function reluInto(x: Tensor): void {
  assertTensor('reluInto', 'x', x);
  if (!viaNdarrayOps([x], (nd) => nd.relu(x, x))) unaryLoops(reluStrided, x, x);
}

/**
 * The ReLU derivative mask: 1 where `x > 0`, else 0 (the derivative at 0 is taken as 0).
 *
 * @deprecated tensors no longer names activations: use `activation('relu').derivative` from
 * @mtrl/network, or `map(x, (v) => (v > 0 ? 1 : 0))`.
 *
 * @example
 * toArray(reluMask(fromArray([-1, 0, 2]))); // returns [0, 0, 1]
 */
export function reluMask<S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, D> {
  assertTensor('reluMask', 'x', x);
  const out = like(x);
  if (!viaNdarrayOps([x], (nd) => nd.step(out, x))) unaryLoops(stepStrided, out, x);
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
  checkFunction('map', 'fn', fn);
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
