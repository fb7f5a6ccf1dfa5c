import { describe, expect, it } from 'vitest';
import type { DType, FloatArray } from '../dtype.js';
import { foldIn, key, type Stream, stream } from '../index.js';
import type { GemmKernel } from '../kernelTypes.js';
import { gemmBlocked } from './gemmBlocked.js';
import { gemmReference } from './gemmReference.js';

// A strided operand: logical [rows, cols] at data[offset + i * s0 + j * s1].
interface Operand {
  data: FloatArray;
  s0: number;
  s1: number;
  offset: number;
}

type Layout = 'row' | 'col' | 'padded' | 'every-other' | 'reversed-rows';
const LAYOUTS: Layout[] = ['row', 'col', 'padded', 'every-other', 'reversed-rows'];

// Lays out a logical matrix in a buffer with gaps filled by `fill`, so a kernel that reads or
// writes outside the view is caught.
function operand(
  s: Stream,
  dtype: DType,
  rows: number,
  cols: number,
  layout: Layout,
  fill = Number.NaN,
): Operand {
  const offset = 1 + s.nextInt(3);
  let s0: number;
  let s1: number;
  let start = offset;
  switch (layout) {
    case 'row':
      [s0, s1] = [cols, 1];
      break;
    case 'col':
      [s0, s1] = [1, rows];
      break;
    case 'padded':
      [s0, s1] = [cols + 3, 1];
      break;
    case 'every-other':
      [s0, s1] = [2 * cols + 1, 2];
      break;
    case 'reversed-rows':
      [s0, s1] = [-cols, 1];
      start = offset + Math.max(rows - 1, 0) * cols;
      break;
  }
  const size = offset + Math.abs(s0) * rows + Math.abs(s1) * cols + 2;
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  data.fill(fill);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) data[start + i * s0 + j * s1] = 2 * s.nextFloat() - 1;
  return { data, s0, s1, offset: start };
}

function at(x: Operand, i: number, j: number): number {
  return x.data[x.offset + i * x.s0 + j * x.s1];
}

function run(
  kernel: GemmKernel,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: Operand,
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
  );
}

// Checks C against an independent triple loop with an error bound that scales with
// |alpha| sum_p |a_ip b_pj| + |beta c_ij|; also checks the gaps of C are untouched.
function expectGemm(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c0: Operand,
  c: Operand,
  rtol: number,
): void {
  const inView = new Set<number>();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        acc += at(a, i, p) * at(b, p, j);
        mag += Math.abs(at(a, i, p) * at(b, p, j));
      }
      const old = at(c0, i, j);
      const want = beta === 0 ? alpha * acc : alpha * acc + beta * old;
      const scale = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * old));
      const got = at(c, i, j);
      if (!(Math.abs(got - want) <= rtol * scale + 1e-300)) {
        expect.fail(`C[${i}, ${j}] = ${got}, expected ${want} (m=${m} n=${n} k=${k})`);
      }
      inView.add(c.offset + i * c.s0 + j * c.s1);
    }
  }
  for (let o = 0; o < c.data.length; o++) {
    if (!inView.has(o) && !Object.is(c.data[o], c0.data[o])) {
      expect.fail(`C buffer index ${o} outside the view changed`);
    }
  }
}

function clone(x: Operand): Operand {
  return { ...x, data: x.data.slice() };
}

const KERNELS: [string, GemmKernel][] = [
  ['gemmReference', gemmReference],
  ['gemmBlocked', gemmBlocked],
];
const RTOL = { float32: 2e-6, float64: 1e-13 } as const;

describe.each(KERNELS)('%s', (_name, kernel) => {
  it.each(['float32', 'float64'] as const)(
    'matches a naive loop on odd shapes, all layouts, alpha/beta (%s)',
    (dtype) => {
      const s = stream(foldIn(key(7), dtype === 'float32' ? 32 : 64));
      const sizes = [1, 3, 5, 17, 67, 130];
      const scalars: [number, number][] = [
        [1, 0],
        [-0.5, 0],
        [2, 1],
        [1, -1.5],
        [0, 0.5],
      ];
      for (let t = 0; t < 40; t++) {
        const m = sizes[s.nextInt(sizes.length)];
        const n = sizes[s.nextInt(sizes.length)];
        const k = sizes[s.nextInt(sizes.length)];
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
        run(kernel, m, n, k, alpha, a, b, beta, c);
        expectGemm(m, n, k, alpha, a, b, beta, c0, c, RTOL[dtype]);
      }
    },
  );

  it('crosses the cache-block edges (k > 256, m > 96, n not a multiple of 4)', () => {
    const s = stream(key(11));
    for (const [m, n, k] of [
      [200, 9, 300],
      [97, 130, 257],
      [1, 2050, 3],
    ] as const) {
      const a = operand(s, 'float64', m, k, 'col');
      const b = operand(s, 'float64', k, n, 'row');
      const c0 = operand(s, 'float64', m, n, 'padded', 0.25);
      const c = clone(c0);
      run(kernel, m, n, k, 0.75, a, b, 0.5, c);
      expectGemm(m, n, k, 0.75, a, b, 0.5, c0, c, RTOL.float64);
    }
  });

  it('handles empty dimensions: k = 0 gives beta * C, m = 0 or n = 0 touch nothing', () => {
    const s = stream(key(12));
    const a = operand(s, 'float64', 3, 0, 'row');
    const b = operand(s, 'float64', 0, 4, 'row');
    const c0 = operand(s, 'float64', 3, 4, 'row', 5);
    const c = clone(c0);
    run(kernel, 3, 4, 0, 1, a, b, 2, c);
    expectGemm(3, 4, 0, 1, a, b, 2, c0, c, 0);
    const cz = clone(c0);
    for (let i = 0; i < 12; i++) cz.data[cz.offset + i] = Number.NaN;
    run(kernel, 3, 4, 0, 1, a, b, 0, cz);
    for (let i = 0; i < 12; i++) expect(cz.data[cz.offset + i]).toBe(0);
    const untouched = clone(c0);
    run(kernel, 0, 4, 5, 1, a, b, 0, untouched);
    run(kernel, 3, 0, 5, 1, a, b, 0, untouched);
    expect(untouched.data).toEqual(c0.data);
  });

  it('gives exact small products', () => {
    // [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    const a = new Float64Array([1, 2, 3, 4]);
    const b = new Float64Array([5, 6, 7, 8]);
    const c = new Float64Array(4);
    kernel(2, 2, 2, 1, a, 2, 1, 0, b, 2, 1, 0, 0, c, 2, 1, 0);
    expect([...c]).toEqual([19, 22, 43, 50]);
    // A^T B^T = (B A)^T: [[23, 31], [34, 46]]
    kernel(2, 2, 2, 1, a, 1, 2, 0, b, 1, 2, 0, 0, c, 2, 1, 0);
    expect([...c]).toEqual([23, 31, 34, 46]);
  });
});

describe('gemmBlocked against gemmReference', () => {
  it('agrees element by element on random shapes, layouts and scalars', () => {
    const s = stream(key(13));
    const sizes = [1, 2, 3, 4, 5, 7, 17, 67, 130];
    for (let t = 0; t < 30; t++) {
      const dtype = t % 2 ? 'float32' : 'float64';
      const [m, n, k] = [0, 0, 0].map(() => sizes[s.nextInt(sizes.length)]);
      const alpha = 2 * s.nextFloat() - 1;
      const beta = t % 3 === 0 ? 0 : 2 * s.nextFloat() - 1;
      const a = operand(s, dtype, m, k, LAYOUTS[s.nextInt(LAYOUTS.length)]);
      const b = operand(s, dtype, k, n, LAYOUTS[s.nextInt(LAYOUTS.length)]);
      const c0 = operand(s, dtype, m, n, LAYOUTS[s.nextInt(LAYOUTS.length)], 0.5);
      const want = clone(c0);
      const got = clone(c0);
      run(gemmReference, m, n, k, alpha, a, b, beta, want);
      run(gemmBlocked, m, n, k, alpha, a, b, beta, got);
      // Both accumulate in float64 and differ only in summation order (and, for float32 C, in
      // when partial sums are rounded). Entries are in [-1, 1], so |C| <= |alpha| k + |beta|.
      const ulp = dtype === 'float32' ? 6e-8 : 1.2e-16;
      const tol = 4 * ulp * (k + 2) * (Math.abs(alpha) * k + Math.abs(beta) + 1);
      for (let o = 0; o < got.data.length; o++) {
        if (!(Math.abs(got.data[o] - want.data[o]) <= tol)) {
          expect.fail(`m=${m} n=${n} k=${k}: index ${o}: ${got.data[o]} vs ${want.data[o]}`);
        }
      }
    }
  });
});
