import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType, FloatArray } from '../../dtype.js';
import { applyEpilogue, type GemmEpilogue } from '../../epilogue.js';
import { foldIn, key, type Stream, stream } from '../../index.js';
import { gemmReference } from '../gemmReference.js';
import { getArena, relaxedSimdSupported, resetArena } from './arena.js';
import { gemmWasm, tileOf } from './gemmWasm.js';

// Node 20 has relaxed SIMD behind this flag (Node >= 22 by default): turning it on in this
// test process lets both micro kernel variants, plain and relaxed-SIMD fma, run below.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const VARIANTS = ['plain', 'fma'] as const;

// A strided operand: logical [rows, cols] at data[offset + i * s0 + j * s1].
interface Operand {
  data: FloatArray;
  s0: number;
  s1: number;
  offset: number;
}

type Layout = 'row' | 'col' | 'padded' | 'every-other' | 'reversed-rows';
const LAYOUTS: Layout[] = ['row', 'col', 'padded', 'every-other', 'reversed-rows'];

// Lays out a logical matrix in a buffer whose gaps hold `fill`, so reads or writes outside
// the view show up.
function operand(
  s: Stream,
  dtype: DType,
  rows: number,
  cols: number,
  layout: Layout,
  fill = Number.NaN,
): Operand {
  const offset = 1 + s.nextInt(3);
  let [s0, s1] = [cols, 1];
  let start = offset;
  if (layout === 'col') [s0, s1] = [1, rows];
  else if (layout === 'padded') [s0, s1] = [cols + 3, 1];
  else if (layout === 'every-other') [s0, s1] = [2 * cols + 1, 2];
  else if (layout === 'reversed-rows') {
    [s0, s1] = [-cols, 1];
    start = offset + Math.max(rows - 1, 0) * cols;
  }
  const size = offset + Math.abs(s0) * rows + Math.abs(s1) * cols + 2;
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  data.fill(fill);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) data[start + i * s0 + j * s1] = 2 * s.nextFloat() - 1;
  return { data, s0, s1, offset: start };
}

// (transA, transB): A B, A^T B, A B^T, A^T B^T.
const ORIENTATIONS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

const at = (x: Operand, i: number, j: number) => x.data[x.offset + i * x.s0 + j * x.s1];
const clone = (x: Operand): Operand => ({ ...x, data: x.data.slice() });

function run(
  kernel: typeof gemmWasm,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: Operand,
  epi?: GemmEpilogue,
): void {
  kernel(
    m,
    n,
    k,
    alpha,
    a.data,
    a.s0,
    a.s1,
    a.offset,
    b.data,
    b.s0,
    b.s1,
    b.offset,
    beta,
    c.data,
    c.s0,
    c.s1,
    c.offset,
    epi,
  );
}

// float32 accumulates in float32 in the WASM kernel (in float64 in the reference), so each
// entry may differ by about k roundings of its magnitude sum |alpha| sum_p |a_ip b_pj| +
// |beta c_ij|; float64 by k roundings in float64.
const EPS = { float32: 1.2e-7, float64: 2.3e-16 } as const;

// Compares C with gemmReference entry by entry and checks the gaps of C are untouched.
function expectMatchesReference(
  dtype: DType,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c0: Operand,
  got: Operand,
): void {
  const want = clone(c0);
  run(gemmReference, m, n, k, alpha, a, b, beta, want);
  const inView = new Set<number>();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let mag = 0;
      for (let p = 0; p < k; p++) mag += Math.abs(at(a, i, p) * at(b, p, j));
      const old = at(c0, i, j);
      const scale = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * old));
      const tol = (k + 4) * EPS[dtype] * scale + 1e-300;
      const g = at(got, i, j);
      const w = at(want, i, j);
      if (!(Math.abs(g - w) <= tol))
        expect.fail(`${dtype} C[${i}, ${j}] = ${g}, reference ${w} (m=${m} n=${n} k=${k})`);
      inView.add(got.offset + i * got.s0 + j * got.s1);
    }
  }
  for (let o = 0; o < got.data.length; o++) {
    if (!inView.has(o) && !Object.is(got.data[o], c0.data[o]))
      expect.fail(`C buffer index ${o} outside the view changed`);
  }
}

describe.each(VARIANTS)('gemmWasm against gemmReference (%s micro kernel)', (variant) => {
  beforeAll(() => resetArena(variant === 'fma'));
  afterAll(() => resetArena());
  const tile = (dtype: DType) => tileOf(variant === 'fma', dtype === 'float32' ? 'f32' : 'f64');
  // A stream for the test's seed and dtype, the variant's tile, and the v128 lanes.
  const setup = (dtype: DType, seed: number) => ({
    s: stream(foldIn(key(seed), dtype === 'float32' ? 32 : 64)),
    ...tile(dtype),
    lanes: dtype === 'float32' ? 4 : 2,
  });

  it('runs the variant asked for', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(getArena().fma).toBe(variant === 'fma');
  });

  it.each(['float32', 'float64'] as const)(
    'agrees on random shapes (incl. 1 and odd), layouts and alpha/beta (%s)',
    (dtype) => {
      const s = stream(foldIn(key(21), dtype === 'float32' ? 32 : 64));
      const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 17, 63, 65, 66, 130];
      const scalars: [number, number][] = [
        [1, 0],
        [-0.5, 0],
        [2, 1],
        [1, -1.5],
        [0.3, 0.7],
      ];
      for (let t = 0; t < 60; t++) {
        const [m, n, k] = [0, 0, 0].map(() => sizes[s.nextInt(sizes.length)]);
        const [alpha, beta] = scalars[t % scalars.length];
        const a = operand(s, dtype, m, k, LAYOUTS[s.nextInt(LAYOUTS.length)]);
        const b = operand(s, dtype, k, n, LAYOUTS[s.nextInt(LAYOUTS.length)]);
        const c0 = operand(s, dtype, m, n, LAYOUTS[s.nextInt(LAYOUTS.length)], 1234.5);
        if (beta === 0) {
          // beta = 0 overwrites C: NaN or Infinity there must not leak into the result.
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++)
              c0.data[c0.offset + i * c0.s0 + j * c0.s1] = (i + j) % 2 ? Number.NaN : Infinity;
        }
        const c = clone(c0);
        run(gemmWasm, m, n, k, alpha, a, b, beta, c);
        expectMatchesReference(dtype, m, n, k, alpha, a, b, beta, c0, c);
      }
    },
  );

  it.each(['float32', 'float64'] as const)(
    'covers A B, A^T B, A B^T and A^T B^T on contiguous operands (%s)',
    (dtype) => {
      const s = stream(foldIn(key(22), dtype === 'float32' ? 32 : 64));
      const [m, n, k] = [70, 37, 45];
      for (const [ta, tb] of ORIENTATIONS) {
        const a = operand(s, dtype, m, k, ta ? 'col' : 'row');
        const b = operand(s, dtype, k, n, tb ? 'col' : 'row');
        const c0 = operand(s, dtype, m, n, 'row', Number.NaN);
        const c = clone(c0);
        run(gemmWasm, m, n, k, 1, a, b, 0, c);
        expectMatchesReference(dtype, m, n, k, 1, a, b, 0, c0, c);
      }
    },
  );

  it.each(['float32', 'float64'] as const)(
    'covers ragged register tiles (M, N, K off the tile) in every orientation (%s)',
    (dtype) => {
      const { s, mr, nr, mb, lanes } = setup(dtype, 26);
      // Last strips of every width from 1 to nr - 1 (the narrow micro kernels, whole v128
      // columns included), rows off mr and mb.
      const shapes = [
        [mr + 2, nr + lanes, 11],
        [2 * mr + 1, nr + 2 * lanes, 5],
        [mr - 1, nr - 1, 5],
        [mr + 1, nr + 1, 9],
        [2 * mr + 2, 2 * nr + 5, 7],
        [mb - 1, nr + 2, 13],
        [mb + 2, 3 * nr - 1, 6],
        [2 * mb + mr - 1, 1, 37],
      ];
      for (const [m, n, k] of shapes) {
        for (const [ta, tb] of ORIENTATIONS) {
          const a = operand(s, dtype, m, k, ta ? 'col' : 'row');
          const b = operand(s, dtype, k, n, tb ? 'col' : 'row');
          const c0 = operand(s, dtype, m, n, ta === tb ? 'row' : 'col', 0.5);
          const c = clone(c0);
          run(gemmWasm, m, n, k, 1.5, a, b, 0.25, c);
          expectMatchesReference(dtype, m, n, k, 1.5, a, b, 0.25, c0, c);
        }
      }
    },
  );

  it.each(['float32', 'float64'] as const)(
    'gives the same bits whether A is read in place (unit stride along K) or packed (%s)',
    (dtype) => {
      // Row-major A takes the in-place micro kernels, column-major A the packed ones; both sum
      // each entry over k in the same order, so the results match bit for bit, ragged tiles and
      // the grouped narrow strips (n mod nr <= lanes) included.
      const { s, mr, nr, mb, lanes } = setup(dtype, 28);
      for (const [m, n, k] of [
        [mb + 2 * mr + 1, nr + lanes, 19],
        [4 * mr, 2 * nr + 1, 33],
        [mr + 1, nr, 8],
        [2 * mb, 3 * nr + lanes - 1, 5],
      ]) {
        const rowA = operand(s, dtype, m, k, 'row');
        const colA = operand(s, dtype, m, k, 'col');
        for (let i = 0; i < m; i++)
          for (let p = 0; p < k; p++)
            colA.data[colA.offset + i * colA.s0 + p * colA.s1] = at(rowA, i, p);
        const b = operand(s, dtype, k, n, 'row');
        const c0 = operand(s, dtype, m, n, 'row', 0.5);
        const inPlace = clone(c0);
        const packed = clone(c0);
        run(gemmWasm, m, n, k, 1.25, rowA, b, 0.5, inPlace);
        run(gemmWasm, m, n, k, 1.25, colA, b, 0.5, packed);
        expect(inPlace.data).toEqual(packed.data);
        expectMatchesReference(dtype, m, n, k, 1.25, rowA, b, 0.5, c0, inPlace);
      }
    },
  );

  it('crosses the row block, the K chunk and ragged register tiles', () => {
    const s = stream(key(23));
    for (const dtype of ['float32', 'float64'] as const) {
      const { mb, kc } = tile(dtype);
      for (const [m, n, k] of [
        [mb + 1, 9, kc + 77],
        [2 * mb + 3, 13, 5],
        [3, 2 * kc + 1, 2],
      ] as const) {
        const a = operand(s, dtype, m, k, 'row');
        const b = operand(s, dtype, k, n, 'col');
        const c0 = operand(s, dtype, m, n, 'padded', 0.25);
        const c = clone(c0);
        run(gemmWasm, m, n, k, 0.75, a, b, 0.5, c);
        expectMatchesReference(dtype, m, n, k, 0.75, a, b, 0.5, c0, c);
      }
    }
  });

  it('reads A and B from one buffer (x^T x) correctly', () => {
    const s = stream(key(24));
    for (const dtype of ['float32', 'float64'] as const) {
      const x = operand(s, dtype, 40, 11, 'padded');
      const xt: Operand = { ...x, s0: x.s1, s1: x.s0 };
      const c0 = operand(s, dtype, 11, 11, 'row', 0);
      const c = clone(c0);
      run(gemmWasm, 11, 11, 40, 1, xt, x, 0, c);
      expectMatchesReference(dtype, 11, 11, 40, 1, xt, x, 0, c0, c);
    }
  });

  it('handles empty dimensions, alpha = 0 and mixed dtypes like the reference', () => {
    const s = stream(key(25));
    const a = operand(s, 'float64', 3, 0, 'row');
    const b = operand(s, 'float64', 0, 4, 'row');
    const c0 = operand(s, 'float64', 3, 4, 'row', 5);
    const c = clone(c0);
    run(gemmWasm, 3, 4, 0, 1, a, b, 2, c);
    expectMatchesReference('float64', 3, 4, 0, 1, a, b, 2, c0, c);
    const untouched = clone(c0);
    run(gemmWasm, 0, 4, 5, 1, a, b, 0, untouched);
    run(gemmWasm, 3, 0, 5, 1, a, b, 0, untouched);
    expect(untouched.data).toEqual(c0.data);
    // alpha = 0 and beta = 0 zero C, NaN included.
    const a2 = operand(s, 'float32', 3, 5, 'row');
    const b2 = operand(s, 'float32', 5, 4, 'row');
    const nan = operand(s, 'float32', 3, 4, 'row', Number.NaN);
    nan.data.fill(Number.NaN);
    run(gemmWasm, 3, 4, 5, 0, a2, b2, 0, nan);
    for (let i = 0; i < 12; i++) expect(nan.data[nan.offset + i]).toBe(0);
    // A float64 A with float32 B and C (as the js maskedGemm scratch does) falls back.
    const a3 = operand(s, 'float64', 6, 7, 'row');
    const b3 = operand(s, 'float32', 7, 4, 'col');
    const c3 = operand(s, 'float32', 6, 4, 'row', 0);
    const got = clone(c3);
    run(gemmWasm, 6, 4, 7, 1, a3, b3, 0, got);
    expectMatchesReference('float32', 6, 4, 7, 1, a3, b3, 0, c3, got);
  });

  it.each(['float32', 'float64'] as const)(
    'applies the bias and leaky epilogue (slope 0 and others) exactly as applyEpilogue does (%s)',
    (dtype) => {
      const s = stream(foldIn(key(27), dtype === 'float32' ? 32 : 64));
      for (let t = 0; t < 40; t++) {
        const [m, n, k] = [1 + s.nextInt(9), [1, 3, 4, 5, 8, 9, 13][t % 7], 1 + s.nextInt(20)];
        const a = operand(s, dtype, m, k, LAYOUTS[s.nextInt(LAYOUTS.length)]);
        // A zero row (with alpha < 0: -0 in C) and a NaN row exercise ReLU's edge cases.
        if (m > 2) for (let p = 0; p < k; p++) a.data[a.offset + a.s1 * p] = 0;
        if (m > 3) a.data[a.offset + a.s0] = Number.NaN;
        const b = operand(s, dtype, k, n, LAYOUTS[s.nextInt(LAYOUTS.length)]);
        const c0 = operand(s, dtype, m, n, LAYOUTS[s.nextInt(LAYOUTS.length)], 1234.5);
        const biased = t % 3 !== 2;
        const stride = 1 + (t % 2);
        const bias = operand(s, dtype, 1, stride * n, 'row');
        // Slope 0 (the max(., 0) path) and leaky slopes, including one that is not a float32.
        const slope = [0, 0.01, 0.1 + 1e-12, -0.5, 3][t % 5] as number;
        const map = { kind: 'leaky', slope } as const;
        const epi: GemmEpilogue = biased
          ? {
              bias: bias.data,
              sb: stride,
              ob: bias.offset,
              map: t % 3 === 0 || t % 4 === 1 ? map : undefined,
            }
          : { sb: 0, ob: 0, map };
        const alpha = t % 2 ? -1 : 0.5;
        const beta = t % 5 === 0 ? 0.5 : 0;
        // The same product without the epilogue, then the reference epilogue on it.
        const want = clone(c0);
        run(gemmWasm, m, n, k, alpha, a, b, beta, want);
        applyEpilogue(m, n, want.data, want.s0, want.s1, want.offset, epi);
        const got = clone(c0);
        run(gemmWasm, m, n, k, alpha, a, b, beta, got, epi);
        for (let o = 0; o < got.data.length; o++)
          if (!Object.is(got.data[o], want.data[o]))
            expect.fail(
              `${dtype} t=${t}: C buffer index ${o} is ${got.data[o]}, want ${want.data[o]}`,
            );
      }
    },
  );

  it('gives exact small products in every orientation', () => {
    for (const F of [Float32Array, Float64Array]) {
      // [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
      const a = new F([1, 2, 3, 4]);
      const b = new F([5, 6, 7, 8]);
      const c = new F(4);
      gemmWasm(2, 2, 2, 1, a, 2, 1, 0, b, 2, 1, 0, 0, c, 2, 1, 0);
      expect([...c]).toEqual([19, 22, 43, 50]);
      // A^T B^T = (B A)^T: [[23, 31], [34, 46]]
      gemmWasm(2, 2, 2, 1, a, 1, 2, 0, b, 1, 2, 0, 0, c, 2, 1, 0);
      expect([...c]).toEqual([23, 31, 34, 46]);
    }
  });
});
