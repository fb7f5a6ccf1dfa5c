import { describe, expect, it } from 'vitest';
import {
  col,
  DTYPES,
  foldIn,
  fromArray,
  gemmInto,
  key,
  type Matrix,
  matmul,
  matvec,
  normal,
  sliceCols,
  sliceRows,
  split,
  toArray,
  transpose,
  zeros,
} from './index.js';

// Naive op(A) op(B) on plain arrays: the independent reference.
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((r) => b[0].map((_, j) => r.reduce((acc, v, p) => acc + v * b[p][j], 0)));
}
const T = (x: number[][]) => x[0].map((_, j) => x.map((r) => r[j]));

function expectClose(got: number[][], want: number[][], atol: number) {
  expect(got.length).toBe(want.length);
  for (const [i, r] of got.entries()) {
    for (const [j, v] of r.entries()) {
      if (!(Math.abs(v - want[i][j]) <= atol)) expect.fail(`[${i}, ${j}]: ${v} vs ${want[i][j]}`);
    }
  }
}

describe.each(DTYPES)('gemmInto / matmul / matvec (%s)', (dtype) => {
  const atol = dtype === 'float32' ? 2e-5 : 1e-12;

  it('all four transpose combinations on strided views, with alpha and beta', () => {
    for (const [t, [m, n, k]] of [
      [0, [1, 1, 1]],
      [1, [5, 3, 17]],
      [2, [67, 5, 3]],
      [3, [17, 130, 5]],
    ] as const) {
      const [ka, kb, kc] = split(foldIn(key(2), t), 3);
      // Views with gaps: A from a larger matrix, B transposed storage, C a column slice.
      const aBig = normal(ka, [k + 2, m + 3], { dtype });
      const bBig = normal(kb, [n + 1, k + 4], { dtype });
      const cBig = normal(kc, [m, n + 2], { dtype });
      const aT = sliceCols(sliceRows(aBig, 1, k + 1), 2, m + 2); // [k, m]
      const bT = sliceCols(sliceRows(bBig, 1), 4); // [n, k]
      const c = sliceCols(cBig, 1, n + 1); // [m, n]
      const A = toArray(transpose(aT));
      const B = T(toArray(bT));
      const C0 = toArray(c);
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = transA ? aT : transpose(aT);
        const b = transB ? bT : transpose(bT);
        const cc = zeros([m, n], { dtype });
        gemmInto(cc, a, b, { transA, transB });
        expectClose(toArray(cc), naive(A, B), atol * k);
        expectClose(
          toArray(matmul(a, b, { transA, transB, alpha: -2 })),
          naive(A, B).map((r) => r.map((v) => -2 * v)),
          2 * atol * k,
        );
      }
      gemmInto(c, transpose(aT), transpose(bT), { alpha: 0.5, beta: -1 });
      expectClose(
        toArray(c),
        naive(A, B).map((r, i) => r.map((v, j) => 0.5 * v - C0[i][j])),
        atol * k,
      );
      // The columns of cBig outside the view are untouched.
      expect(toArray(col(cBig, 0))).toEqual(toArray(col(normal(kc, [m, n + 2], { dtype }), 0)));
    }
  });

  it('adds a bias row and applies ReLU after the product (bias, relu)', () => {
    const [ka, kb, kc] = split(key(3), 3);
    const [m, n, k] = [7, 11, 5];
    const a = normal(ka, [m, k], { dtype });
    const w = normal(kb, [n, k], { dtype });
    const biasBig = normal(kc, [2 * n], { dtype });
    // A strided bias: every other element.
    const bias = { ...biasBig, shape: [n] as [number], stride: [2] as [number] };
    const want = naive(toArray(a), T(toArray(w))).map((r) =>
      r.map((v, j) => v + (biasBig.data[2 * j] as number)),
    );
    const c = zeros([m, n], { dtype });
    gemmInto(c, a, w, { transB: true, bias });
    expectClose(toArray(c), want, atol * k);
    const h = matmul(a, w, { transB: true, bias, relu: true });
    expectClose(
      toArray(h),
      want.map((r) => r.map((v) => Math.max(v, 0))),
      atol * k,
    );
    expect(
      toArray(h)
        .flat()
        .some((v) => v === 0),
    ).toBe(true);
    // relu alone, with alpha and beta: max(alpha A B^T + beta C, 0).
    const c2 = fromArray(
      Array.from({ length: m }, () => Array(n).fill(1)),
      { dtype },
    );
    gemmInto(c2, a, w, { transB: true, alpha: 2, beta: -1, relu: true });
    expectClose(
      toArray(c2),
      naive(toArray(a), T(toArray(w))).map((r) => r.map((v) => Math.max(2 * v - 1, 0))),
      2 * atol * k,
    );
  });

  it('beta = 0 overwrites NaN in c', () => {
    const c = fromArray([[Number.NaN, Infinity]], { dtype });
    gemmInto(c, fromArray([[2]], { dtype }), fromArray([[3, 4]], { dtype }));
    expect(toArray(c)).toEqual([[6, 8]]);
  });

  it('matvec, plain and transposed, with a strided x', () => {
    const a = fromArray(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype },
    );
    expect(toArray(matvec(a, fromArray([1, 0, -1], { dtype })))).toEqual([-2, -2]);
    const x = col(
      fromArray(
        [
          [1, 9],
          [2, 9],
        ],
        { dtype },
      ),
      0,
    ); // [1, 2] with stride 2
    expect(toArray(matvec(a, x, { transA: true }))).toEqual([9, 12, 15]);
    expect(matvec(a, x, { transA: true }).dtype).toBe(dtype);
  });
});

describe('gemm errors', () => {
  const a = zeros([2, 3]);
  const b = zeros([4, 5]);
  it('names the op and both shapes when dimensions disagree', () => {
    expect(() => gemmInto(zeros([2, 5]), a, b)).toThrow(
      'gemm: inner dimensions differ: op(a) is [2, 3] and op(b) is [4, 5] (transA=false, transB=false)',
    );
    expect(() => matmul(a, b, { transA: true })).toThrow(
      'op(a) is [3, 2] and op(b) is [4, 5] (transA=true',
    );
    expect(() => gemmInto(zeros([3, 3]), a, zeros([3, 3]))).toThrow(
      'gemm: c has shape [3, 3], expected [2, 3] for op(a) [2, 3] times op(b) [3, 3]',
    );
    expect(() => matvec(a, zeros([2]))).toThrow(
      'matvec: a is [2, 3] (transA=false) but x has length 2',
    );
  });
  it('refuses mixed dtypes, non-matrices and non-finite scalars', () => {
    const a32 = zeros([3, 3], { dtype: 'float32' });
    expect(() => gemmInto(zeros([2, 3]), a, a32 as unknown as Matrix)).toThrow(
      'gemm: dtype mismatch: a is float64 but b is float32',
    );
    expect(() => gemmInto(zeros([2, 3]), zeros([2]) as unknown as Matrix, a)).toThrow(
      'gemm: a must be a Matrix',
    );
    expect(() => gemmInto(zeros([2, 2]), a, a, { transB: true, alpha: Number.NaN })).toThrow(
      'gemm: alpha must be a finite number, got NaN',
    );
    expect(() => gemmInto(zeros([2, 2]), a, a, { transB: true, beta: Infinity })).toThrow(
      'gemm: beta',
    );
    expect(() => matvec(a, a as unknown as never)).toThrow('matvec: x must be a Vector');
  });
  it('refuses a bias of the wrong length or dtype and a non-boolean relu', () => {
    const a = zeros([2, 3]);
    const w = zeros([4, 3]);
    const c = zeros([2, 4]);
    expect(() => gemmInto(c, a, w, { transB: true, bias: zeros([3]) })).toThrow(
      'gemm: bias has shape [3], expected [4] (the columns of c)',
    );
    expect(() =>
      gemmInto(c, a, w, { transB: true, bias: zeros([4], { dtype: 'float32' }) as never }),
    ).toThrow('gemm: dtype mismatch: bias is float32 but c is float64');
    expect(() => gemmInto(c, a, w, { transB: true, bias: a as never })).toThrow(
      'gemm: bias must be a Vector',
    );
    expect(() => gemmInto(c, a, w, { transB: true, relu: 1 as never })).toThrow(
      'gemm: relu must be a boolean, got 1',
    );
  });
});

describe.each(DTYPES)('gemm epilogue (%s)', (dtype) => {
  const [ka, kb, kc] = split(key(41), 3);
  const a = normal(ka, [9, 6], { dtype });
  const w = normal(kb, [7, 6], { dtype });
  const bias = normal(kc, [7], { dtype });

  it('leaky with slope 0 is the deprecated relu, bit for bit, on js and wasm', () => {
    for (const backend of ['js', 'wasm']) {
      const viaRelu = matmul(a, w, { transB: true, bias, relu: true, backend });
      const viaLeaky = matmul(a, w, {
        transB: true,
        bias,
        epilogue: { kind: 'leaky', slope: 0 },
        backend,
      });
      expect(viaLeaky.data).toEqual(viaRelu.data);
      expect([...viaLeaky.data].every((v) => v >= 0 && !Object.is(v, -0))).toBe(true);
    }
  });

  it('leaky with a slope equals the map fallback and is the same on js and wasm', () => {
    const slope = 0.1;
    const s = dtype === 'float32' ? Math.fround(slope) : slope;
    const js = matmul(a, w, { transB: true, bias, epilogue: { kind: 'leaky', slope } });
    const wasm = matmul(a, w, {
      transB: true,
      bias,
      epilogue: { kind: 'leaky', slope },
      backend: 'wasm',
    });
    const mapped = matmul(a, w, {
      transB: true,
      bias,
      epilogue: { kind: 'map', fn: (v) => (v <= 0 ? s * v : v) },
    });
    const plain = toArray(matmul(a, w, { transB: true, bias }));
    expect(js.data).toEqual(mapped.data);
    const tol = dtype === 'float32' ? 1e-5 : 1e-12;
    for (let i = 0; i < js.data.length; i++) {
      expect(Math.abs(js.data[i] - wasm.data[i])).toBeLessThanOrEqual(tol);
    }
    const flat = plain.flat();
    expect(flat.some((v) => v < 0)).toBe(true);
    for (const [i, v] of flat.entries()) {
      const want = v <= 0 ? s * v : v;
      expect(Math.abs(js.data[i] - want)).toBeLessThanOrEqual(tol);
    }
  });

  it('a map epilogue runs after bias on any backend', () => {
    for (const backend of ['js', 'wasm']) {
      const got = matmul(a, w, {
        transB: true,
        bias,
        epilogue: { kind: 'map', fn: Math.tanh },
        backend,
      });
      const plain = matmul(a, w, { transB: true, bias, backend });
      const want = [...plain.data].map((v) =>
        dtype === 'float32' ? Math.fround(Math.tanh(v)) : Math.tanh(v),
      );
      expect([...got.data]).toEqual(want);
    }
  });

  it('refuses malformed epilogues', () => {
    const c = zeros([9, 7], { dtype });
    const bad = (epilogue: unknown) => () =>
      gemmInto(c, a, w, { transB: true, epilogue: epilogue as never });
    expect(bad('relu')).toThrow(new TypeError('gemm: epilogue must be an object, got "relu"'));
    expect(bad({ kind: 'relu' })).toThrow(
      new RangeError('gemm: epilogue.kind must be one of "leaky", "map", got "relu"'),
    );
    expect(bad({ kind: 'leaky', slope: Number.NaN })).toThrow(RangeError);
    expect(bad({ kind: 'leaky' })).toThrow(TypeError);
    expect(bad({ kind: 'map', fn: 3 })).toThrow(TypeError);
    expect(() =>
      gemmInto(c, a, w, { transB: true, relu: true, epilogue: { kind: 'leaky', slope: 0 } }),
    ).toThrow('gemm: pass either epilogue or the deprecated relu, not both');
  });
});
