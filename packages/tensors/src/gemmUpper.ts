import { fmtShape } from './_shape.js';
import { kernels } from './backend.js';
import type { GemmEpilogue } from './epilogue.js';
import { checkEpilogue, type GemmOptions, gemmInto } from './gemm.js';
import { assertSameDType, assertTensor, type Matrix, transpose } from './tensor.js';
import { checkFinite } from './validate.js';

/**
 * {@link gemmInto} for an upper-triangular right factor: `C = alpha * op(A) op(B) + beta * C`
 * where `op(B)` (`[k, n]`) is zero below its diagonal (`op(B)[p, j] = 0` for p > j; with
 * `transB`, B is lower triangular). Backends with a triangular kernel (`wasm`, when op(A) is
 * unit-stride along k) sum each column j of C over p <= j only, about half the flops of the
 * GEMM when k is about n; the others run `gemmInto`, which multiplies those zeros like any
 * other entry. So the entries below the diagonal must be zero; they may not be read. Takes the
 * options of `gemmInto` (`bias`, `epilogue`, ...) with the same meaning.
 *
 * @param c - output `[m, n]`
 * @param a - `[m, k]` (or `[k, m]` with `transA`)
 * @param b - `[k, n]` (or `[n, k]` with `transB`), upper (lower) triangular
 * @throws {RangeError} as `gemmInto`
 * @example
 * // h = relu(u l^T + b) for a lower-triangular l (l: [m, k], zero above its diagonal)
 * gemmUpperInto(h, u, l, { transB: true, bias: b, epilogue: { kind: 'leaky', slope: 0 } });
 */
export function gemmUpperInto(c: Matrix, a: Matrix, b: Matrix, opts: GemmOptions = {}): void {
  const native = kernels(opts.backend, 'gemmUpper').gemmUpper;
  const map = opts.epilogue === undefined ? undefined : checkEpilogue('gemm', opts.epilogue);
  if (native === undefined || map?.kind === 'map' || opts.relu !== undefined) {
    gemmInto(c, a, b, opts);
    return;
  }
  assertTensor('gemm', 'a', a, 2);
  assertTensor('gemm', 'b', b, 2);
  assertTensor('gemm', 'c', c, 2);
  assertSameDType('gemm', { a, b, c });
  const alpha = checkFinite('gemm', 'alpha', opts.alpha ?? 1);
  const beta = checkFinite('gemm', 'beta', opts.beta ?? 0);
  const A = opts.transA ? transpose(a) : a;
  const B = opts.transB ? transpose(b) : b;
  const [m, k] = A.shape;
  const [k2, n] = B.shape;
  if (k !== k2 || c.shape[0] !== m || c.shape[1] !== n)
    throw new RangeError(
      `gemm: shapes disagree: c ${fmtShape(c.shape)}, op(a) ${fmtShape(A.shape)}, op(b) ${fmtShape(B.shape)}`,
    );
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
  let epi: GemmEpilogue | undefined;
  if (bias !== undefined || map !== undefined) {
    const leaky = map?.kind === 'leaky' ? map : undefined;
    epi =
      bias === undefined
        ? { sb: 0, ob: 0, map: leaky }
        : { bias: bias.data, sb: bias.stride[0], ob: bias.offset, map: leaky };
  }
  native(
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
}
