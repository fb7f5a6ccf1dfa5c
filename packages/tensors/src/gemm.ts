import { fmtShape } from './_shape.js';
import { kernels } from './backend.js';
import type { DType } from './dtype.js';
import type { GemmEpilogue } from './epilogue.js';
import {
  assertSameDType,
  assertTensor,
  type Matrix,
  transpose,
  type Vector,
  zeros,
} from './tensor.js';
import { checkBoolean, checkFinite, checkFunction, checkObject, checkOneOf } from './validate.js';

/** Options for {@link gemmInto} and {@link matmul}. */
export interface GemmOptions {
  /** Use A^T in place of A (a stride swap, never a copy). Default false. */
  transA?: boolean;
  /** Use B^T in place of B. Default false. */
  transB?: boolean;
  /** Scale of the product; default 1. */
  alpha?: number;
  /** Scale of the existing C (gemmInto only); default 0, which overwrites C. */
  beta?: number;
  /**
   * A row `[n]` added to every row of the result after the product: `C[i, j] += bias[j]`
   * (a layer's bias in `X W^T + 1 b^T`). Same dtype as C.
   */
  bias?: Vector;
  /**
   * Then an elementwise map of C (after `bias`): `{ kind: 'leaky', slope }` sets
   * `C = slope * C` where `C <= 0` (slope 0 is `max(C, 0)`; -0 becomes +0, NaN is kept), which
   * every backend applies itself (on `wasm` in one SIMD pass while C is in kernel memory, and
   * with the same bits as `js`); `{ kind: 'map', fn }` applies any `fn` in TypeScript after
   * the product. With `bias`, `phi(X W^T + 1 b^T)` is one call.
   */
  epilogue?: Epilogue;
  /**
   * Same as `epilogue: { kind: 'leaky', slope: 0 }`.
   *
   * @deprecated use `epilogue: { kind: 'leaky', slope: 0 }`; `relu` will be removed.
   */
  relu?: boolean;
  /**
   * The backend to run on, by name (default: the active one, see `setBackend` and
   * `withBackend`).
   */
  backend?: string;
}

/**
 * An elementwise map applied to a GEMM result in its epilogue: `leaky` is implemented by
 * every backend (`x <= 0 ? slope * x : x`; slope 0 gives `max(x, 0)`); `map` runs any function
 * in TypeScript after the product (and the bias), storing each result in C's dtype.
 */
export type Epilogue =
  | { readonly kind: 'leaky'; readonly slope: number }
  | { readonly kind: 'map'; readonly fn: (x: number) => number };

const EPILOGUE_KINDS = ['leaky', 'map'] as const;

/** Validates an epilogue spec; returns it narrowed. @internal */
export function checkEpilogue(op: string, value: unknown): Epilogue {
  const e = checkObject<{ kind?: unknown; slope?: unknown; fn?: unknown }>(op, 'epilogue', value);
  const kind = checkOneOf(op, 'epilogue.kind', e.kind, EPILOGUE_KINDS);
  if (kind === 'leaky') {
    return { kind, slope: checkFinite(op, 'epilogue.slope', e.slope) };
  }
  return { kind, fn: checkFunction<(x: number) => number>(op, 'epilogue.fn', e.fn) };
}

// fn applied to every element of a strided [m, n] view, in place.
function mapView(c: Matrix, fn: (x: number) => number): void {
  const [m, n] = c.shape;
  const [s0, s1] = c.stride;
  const d = c.data;
  for (let i = 0; i < m; i++) {
    const row = c.offset + i * s0;
    for (let j = 0; j < n; j++) d[row + j * s1] = fn(d[row + j * s1]);
  }
}

function op(m: Matrix, t: boolean | undefined): Matrix {
  return t ? transpose(m) : m;
}

/**
 * General matrix multiply in place: `C = alpha * op(A) op(B) + beta * C` (BLAS GEMM), with
 * `op(X)` either X or X^T. Works on any strided views; transposes cost nothing.
 *
 * @param c - output `[m, n]`, overwritten (or accumulated into when `beta != 0`)
 * @param a - `[m, k]` (or `[k, m]` with `transA`)
 * @param b - `[k, n]` (or `[n, k]` with `transB`)
 * @throws {RangeError} when the inner or outer dimensions or the dtypes disagree
 * @example
 * gemmInto(h, x, w, { transB: true }); // h = x w^T, x: [n, d], w: [m, d], h: [n, m]
 * gemmInto(h, x, w, { transB: true, bias: b, epilogue: { kind: 'leaky', slope: 0.01 } });
 */
export function gemmInto(c: Matrix, a: Matrix, b: Matrix, opts: GemmOptions = {}): void {
  assertTensor('gemm', 'a', a, 2);
  assertTensor('gemm', 'b', b, 2);
  assertTensor('gemm', 'c', c, 2);
  assertSameDType('gemm', { a, b, c });
  const alpha = checkFinite('gemm', 'alpha', opts.alpha ?? 1);
  const beta = checkFinite('gemm', 'beta', opts.beta ?? 0);
  const A = op(a, opts.transA);
  const B = op(b, opts.transB);
  const [m, k] = A.shape;
  const [k2, n] = B.shape;
  if (k !== k2) {
    throw new RangeError(
      `gemm: inner dimensions differ: op(a) is ${fmtShape(A.shape)} and op(b) is ${fmtShape(B.shape)} (transA=${!!opts.transA}, transB=${!!opts.transB})`,
    );
  }
  if (c.shape[0] !== m || c.shape[1] !== n) {
    throw new RangeError(
      `gemm: c has shape ${fmtShape(c.shape)}, expected [${m}, ${n}] for op(a) ${fmtShape(A.shape)} times op(b) ${fmtShape(B.shape)}`,
    );
  }
  if (opts.relu !== undefined) checkBoolean('gemm', 'relu', opts.relu);
  let map = opts.epilogue === undefined ? undefined : checkEpilogue('gemm', opts.epilogue);
  if (opts.relu === true) {
    if (map !== undefined)
      throw new RangeError('gemm: pass either epilogue or the deprecated relu, not both');
    map = { kind: 'leaky', slope: 0 };
  }
  const bias = opts.bias;
  if (bias !== undefined) {
    assertTensor('gemm', 'bias', bias, 1);
    if (bias.shape[0] !== n)
      throw new RangeError(
        `gemm: bias has shape ${fmtShape(bias.shape)}, expected [${n}] (the columns of c)`,
      );
    if (bias.dtype !== c.dtype)
      throw new RangeError(`gemm: dtype mismatch: bias is ${bias.dtype} but c is ${c.dtype}`);
  }
  const kernelMap = map?.kind === 'leaky' ? map : undefined;
  let epi: GemmEpilogue | undefined;
  if (bias !== undefined || kernelMap !== undefined) {
    epi =
      bias === undefined
        ? { sb: 0, ob: 0, map: kernelMap }
        : { bias: bias.data, sb: bias.stride[0], ob: bias.offset, map: kernelMap };
  }
  kernels(opts.backend, 'gemm').gemm(
    m,
    n,
    k,
    alpha,
    A.data,
    A.stride[0],
    A.stride[1],
    A.offset,
    B.data,
    B.stride[0],
    B.stride[1],
    B.offset,
    beta,
    c.data,
    c.stride[0],
    c.stride[1],
    c.offset,
    epi,
  );
  if (map?.kind === 'map') mapView(c, map.fn);
}

/**
 * The product `alpha * op(A) op(B)` as a new matrix.
 *
 * @example
 * toArray(matmul(fromArray([[1, 2]]), fromArray([[3], [4]]))); // returns [[11]]
 */
export function matmul<D extends DType>(
  a: Matrix<D>,
  b: Matrix<D>,
  opts: Omit<GemmOptions, 'beta'> = {},
): Matrix<D> {
  assertTensor('matmul', 'a', a, 2);
  assertTensor('matmul', 'b', b, 2);
  const m = opts.transA ? a.shape[1] : a.shape[0];
  const n = opts.transB ? b.shape[0] : b.shape[1];
  const c = zeros([m, n] as const, { dtype: a.dtype });
  gemmInto(c, a, b, opts);
  return c;
}

/**
 * Matrix-vector product `op(A) x` as a new vector.
 *
 * @example
 * toArray(matvec(fromArray([[1, 2], [3, 4]]), fromArray([1, 1]))); // returns [3, 7]
 */
export function matvec<D extends DType>(
  a: Matrix<D>,
  x: Vector<D>,
  opts: { transA?: boolean } = {},
): Vector<D> {
  assertTensor('matvec', 'a', a, 2);
  assertTensor('matvec', 'x', x, 1);
  const A = op(a, opts.transA);
  const out = zeros([A.shape[0]] as const, { dtype: a.dtype });
  const xm: Matrix = {
    dtype: x.dtype,
    shape: [x.shape[0], 1],
    stride: [x.stride[0], 1],
    offset: x.offset,
    data: x.data,
  };
  const om: Matrix = {
    dtype: out.dtype,
    shape: [out.shape[0], 1],
    stride: [1, 1],
    offset: 0,
    data: out.data,
  };
  if (A.shape[1] !== x.shape[0]) {
    throw new RangeError(
      `matvec: a is ${fmtShape(A.shape)} (transA=${!!opts.transA}) but x has length ${x.shape[0]}`,
    );
  }
  gemmInto(om, A, xm);
  return out;
}
