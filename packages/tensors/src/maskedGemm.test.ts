import { describe, expect, it } from 'vitest';
import {
  DTYPES,
  fromArray,
  key,
  type Matrix,
  maskedGemmInto,
  normal,
  row,
  sliceCols,
  split,
  toArray,
  transpose,
  type Vector,
  zeros,
} from './index.js';

describe.each(DTYPES)('maskedGemmInto (%s)', (dtype) => {
  it('equals ((z > 0) ⊙ g a^T)^T x by a naive loop, on strided views', () => {
    const [n, m, d] = [37, 6, 11];
    const [kz, kg, ka, kx, ko] = split(key(3), 5);
    const z = transpose(normal(kz, [m, n], { dtype })); // [n, m], strides [1, n]
    const g = row(transpose(normal(kg, [n, 2], { dtype })), 1); // [n], stride 2
    const a = normal(ka, [m], { dtype });
    const x = sliceCols(normal(kx, [n, d + 3], { dtype }), 2, d + 2); // [n, d], padded rows
    const out = normal(ko, [m, d], { dtype });
    const [Z, G, A, X, O] = [toArray(z), toArray(g), toArray(a), toArray(x), toArray(out)];
    maskedGemmInto(out, z, g, a, x, { alpha: 1 / n, beta: 0.5 });
    const atol = dtype === 'float32' ? 1e-5 : 1e-13;
    for (const [i, r] of toArray(out).entries()) {
      for (const [j, v] of r.entries()) {
        let acc = 0;
        for (let p = 0; p < n; p++) if (Z[p][i] > 0) acc += G[p] * A[i] * X[p][j];
        expect(Math.abs(v - (acc / n + 0.5 * O[i][j]))).toBeLessThanOrEqual(atol);
      }
    }
  });

  it('defaults to alpha = 1, beta = 0 (NaN in out is overwritten); z = 0 is masked', () => {
    const out = fromArray([[Number.NaN], [Number.NaN]], { dtype });
    const z = fromArray(
      [
        [1, 0],
        [-1, 2],
      ],
      { dtype },
    );
    maskedGemmInto(
      out,
      z,
      fromArray([2, 3], { dtype }),
      fromArray([5, 7], { dtype }),
      fromArray([[1], [10]], { dtype }),
    );
    // unit 0: only sample 0 active: 2*5*1 = 10; unit 1: only sample 1: 3*7*10 = 210
    expect(toArray(out)).toEqual([[10], [210]]);
  });
});

describe('maskedGemmInto errors', () => {
  const z = zeros([4, 3]);
  const g = zeros([4]);
  const a = zeros([3]);
  const x = zeros([4, 5]);
  const out = zeros([3, 5]);
  it('names the op, the argument and both shapes', () => {
    expect(() => maskedGemmInto(out, z, g, a, zeros([5, 5]))).toThrow(
      'maskedGemm: x has shape [5, 5], expected [4, *]',
    );
    expect(() => maskedGemmInto(out, z, zeros([3]), a, x)).toThrow(
      'maskedGemm: g has shape [3], expected [4]',
    );
    expect(() => maskedGemmInto(out, z, g, zeros([4]), x)).toThrow(
      'maskedGemm: a has shape [4], expected [3]',
    );
    expect(() => maskedGemmInto(zeros([5, 3]), z, g, a, x)).toThrow(
      'maskedGemm: out has shape [5, 3], expected [3, 5]',
    );
    expect(() => maskedGemmInto(out, g as unknown as Matrix, g, a, x)).toThrow(
      'maskedGemm: z must be a Matrix',
    );
  });
  it('refuses mixed dtypes and non-finite scalars', () => {
    expect(() =>
      maskedGemmInto(out, z, zeros([4], { dtype: 'float32' }) as unknown as Vector, a, x),
    ).toThrow('maskedGemm: dtype mismatch: out is float64 but g is float32');
    expect(() => maskedGemmInto(out, z, g, a, x, { alpha: Infinity })).toThrow(
      'maskedGemm: alpha must be a finite number',
    );
    expect(() => maskedGemmInto(out, z, g, a, x, { beta: Number.NaN })).toThrow('maskedGemm: beta');
  });
});

describe.each(DTYPES)('maskedGemmInto factors (%s)', (dtype) => {
  const [n, m, d] = [300, 5, 4]; // more than one row block of the js kernel
  const [kz, kg, ka, kx] = split(key(17), 4);
  const z = normal(kz, [n, m], { dtype });
  const g = normal(kg, [n], { dtype });
  const a = normal(ka, [m], { dtype });
  const x = normal(kx, [n, d], { dtype });
  const run = (opts: Parameters<typeof maskedGemmInto>[5]) => {
    const out = zeros([m, d], { dtype });
    maskedGemmInto(out, z, g, a, x, { alpha: 1 / n, ...opts });
    return out;
  };
  const tol = dtype === 'float32' ? 2e-5 : 1e-12;

  it('the step 0 / 1 is the default, bit for bit, on js and wasm', () => {
    for (const backend of ['js', 'wasm']) {
      const step = run({ backend, factor: { kind: 'step', below: 0, above: 1 } });
      expect(step.data).toEqual(run({ backend }).data);
    }
  });

  it('a leaky step, a derivative matrix and a map of z agree with a naive loop on js and wasm', () => {
    const slope = 0.2;
    const dz = zeros([n, m], { dtype });
    for (let i = 0; i < n * m; i++) dz.data[i] = z.data[i] > 0 ? 1 : slope;
    const [Z, G, A, X] = [toArray(z), toArray(g), toArray(a), toArray(x)];
    for (const backend of ['js', 'wasm']) {
      const results = [
        run({ backend, factor: { kind: 'step', below: slope, above: 1 } }),
        run({ backend, factor: { kind: 'matrix', d: dz } }),
        run({ backend, factor: { kind: 'map', fn: (v) => (v > 0 ? 1 : slope) } }),
      ];
      for (const got of results) {
        for (const [i, r] of toArray(got).entries()) {
          for (const [j, v] of r.entries()) {
            let acc = 0;
            for (let p = 0; p < n; p++) acc += (Z[p][i] > 0 ? 1 : slope) * G[p] * A[i] * X[p][j];
            expect(Math.abs(v - acc / n)).toBeLessThanOrEqual(tol);
          }
        }
      }
    }
  });

  it('refuses malformed factors', () => {
    expect(() => run({ factor: { kind: 'relu' } as never })).toThrow(RangeError);
    expect(() => run({ factor: { kind: 'step', below: 0 } as never })).toThrow(TypeError);
    expect(() => run({ factor: { kind: 'matrix', d: zeros([n, m + 1], { dtype }) } })).toThrow(
      'maskedGemm: factor.d has shape',
    );
    expect(() => run({ factor: 'step' as never })).toThrow(TypeError);
  });
});
