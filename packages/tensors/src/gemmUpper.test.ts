import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { resetArena } from './_kernels/wasm/arena.js';
import {
  DTYPES,
  foldIn,
  gemmInto,
  gemmUpperInto,
  key,
  type Matrix,
  normal,
  sliceCols,
  sliceRows,
  split,
  toArray,
  transpose,
  zeros,
} from './index.js';

// Both micro kernel variants, as in gemmWasm.test.ts (Node 20 has relaxed SIMD behind a flag).
setFlagsFromString('--experimental-wasm-relaxed-simd');

// Zeroes the entries of op(b) below its diagonal (op(b)[p, j] for p > j).
function upper(b: Matrix, transB: boolean): void {
  const B = transB ? transpose(b) : b;
  const [k, n] = B.shape;
  for (let p = 0; p < k; p++)
    for (let j = 0; j < Math.min(p, n); j++)
      B.data[B.offset + p * B.stride[0] + j * B.stride[1]] = 0;
}

describe.each(DTYPES)('gemmUpperInto (%s)', (dtype) => {
  const atol = dtype === 'float32' ? 1e-4 : 1e-11;
  afterAll(() => resetArena());

  for (const variant of ['plain', 'fma', 'js'] as const)
    it(`matches gemmInto for a triangular right factor, with bias, relu, alpha and beta (${variant})`, () => {
      if (variant !== 'js') resetArena(variant === 'fma');
      const backend = variant === 'js' ? 'js' : 'wasm';
      for (const [t, [m, n, k]] of [
        [0, [1, 1, 1]],
        [1, [7, 5, 9]],
        [2, [70, 33, 40]],
        [3, [130, 256, 260]],
        [4, [9, 20, 1100]],
        [5, [17, 1100, 1030]],
      ] as const)
        for (const transB of [false, true])
          for (const transA of [false, true]) {
            const [ka, kb, kc, kd] = split(foldIn(key(7), t), 4);
            // A [m, k] (or stored [k, m]) inside a larger matrix; C a column slice.
            const aBig = normal(ka, transA ? [k + 1, m + 2] : [m + 1, k + 2], { dtype });
            const a = transA
              ? sliceCols(sliceRows(aBig, 1), 1, m + 1)
              : sliceCols(sliceRows(aBig, 1), 1, k + 1);
            const b = normal(kb, transB ? [n, k] : [k, n], { dtype });
            upper(b, transB);
            const bias = normal(kd, [n], { dtype });
            const c0 = normal(kc, [m, n + 2], { dtype });
            const opts = {
              transA,
              transB,
              alpha: 0.5,
              beta: 0.25,
              bias,
              epilogue: { kind: 'leaky', slope: 0.1 } as const,
            };
            const want = zeros([m, n + 2] as const, { dtype });
            want.data.set(c0.data);
            gemmInto(sliceCols(want, 1, n + 1), a, b, opts);
            const got = zeros([m, n + 2] as const, { dtype });
            got.data.set(c0.data);
            gemmUpperInto(sliceCols(got, 1, n + 1), a, b, { ...opts, backend });
            const g = toArray(got);
            const w = toArray(want);
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n + 2; j++)
                if (!(Math.abs(g[i][j] - w[i][j]) <= atol * (1 + Math.abs(w[i][j]))))
                  expect.fail(
                    `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} [${i}, ${j}]: ${g[i][j]} vs ${w[i][j]}`,
                  );
          }
    });

  it('refuses shapes that disagree', () => {
    const a = zeros([3, 4] as const, { dtype });
    expect(() =>
      gemmUpperInto(zeros([3, 5] as const, { dtype }), a, zeros([5, 5] as const, { dtype }), {
        backend: 'wasm',
      }),
    ).toThrow(/gemm: shapes disagree/);
  });
});
