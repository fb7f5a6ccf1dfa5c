import { describe, expect, it } from 'vitest';
import {
  col,
  DTYPES,
  type DType,
  dot,
  frobeniusNorm,
  fromArray,
  key,
  type Matrix,
  max,
  mean,
  min,
  normal,
  normalizeRows,
  row,
  rowNorms,
  sliceCols,
  sliceRows,
  split,
  sum,
  toArray,
  transpose,
  zeros,
} from './index.js';

// A transposed interior block [6, 4] of a [9, 11] matrix: neither stride is 1.
function block(seed: number, dtype: DType): Matrix {
  return sliceCols(sliceRows(transpose(normal(key(seed), [9, 11], { dtype })), 2, 8), 3, 7);
}

function close(got: number, want: number, rtol: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(want)));
}

function closeAll(got: number[], want: number[], rtol: number): void {
  expect(got.length).toBe(want.length);
  for (const [i, v] of got.entries()) close(v, want[i], rtol);
}

describe.each(DTYPES)('reductions (%s)', (dtype) => {
  const x = block(1, dtype);
  const e = toArray(x);
  const all = e.flat();
  const rtol = 1e-12; // all accumulate in float64; float32 only rounds the stored inputs/outputs
  const out = dtype === 'float32' ? 1e-6 : 1e-12;

  it('sum and mean, whole and along each axis', () => {
    close(
      sum(x),
      all.reduce((p, v) => p + v, 0),
      rtol,
    );
    close(mean(x), all.reduce((p, v) => p + v, 0) / all.length, rtol);
    const colSums = e[0].map((_, j) => e.reduce((p, r) => p + r[j], 0));
    const rowSums = e.map((r) => r.reduce((p, v) => p + v, 0));
    const s0 = sum(x, 0);
    expect(s0.dtype).toBe(dtype);
    expect(s0.shape).toEqual([4]);
    closeAll(toArray(s0), colSums, out);
    closeAll(toArray(sum(x, 1)), rowSums, out);
    closeAll(
      toArray(mean(x, 0)),
      colSums.map((v) => v / 6),
      out,
    );
    closeAll(
      toArray(mean(x, 1)),
      rowSums.map((v) => v / 4),
      out,
    );
  });

  it('norms, dot, max, min', () => {
    close(frobeniusNorm(x), Math.sqrt(all.reduce((p, v) => p + v * v, 0)), rtol);
    const rn = rowNorms(x);
    expect(rn.dtype).toBe('float64');
    closeAll(
      toArray(rn),
      e.map((r) => Math.hypot(...r)),
      1e-12,
    );
    expect(max(x)).toBe(Math.max(...all));
    expect(min(x)).toBe(Math.min(...all));
    const u = row(x, 2);
    const v = col(block(2, dtype), 1); // [6], stride 11
    const ev = toArray(v);
    close(
      dot(col(x, 3), v),
      e.reduce((p, r, i) => p + r[3] * ev[i], 0),
      rtol,
    );
    close(
      dot(u, u),
      e[2].reduce((p, q) => p + q * q, 0),
      rtol,
    );
  });

  it('normalizeRows gives unit rows and keeps zero rows zero', () => {
    const z = zeros([3, 4], { dtype });
    z.data.set([3, 4, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const want = [
      [0.6, 0.8, 0, 0],
      [0, 0, 0, 0],
      [0.5, 0.5, 0.5, 0.5],
    ];
    closeAll(toArray(normalizeRows(z)).flat(), want.flat(), out);
    expect(toArray(normalizeRows(z))[1]).toEqual([0, 0, 0, 0]);
    const n = normalizeRows(x);
    expect(n.dtype).toBe(dtype);
    closeAll(toArray(rowNorms(n)), [1, 1, 1, 1, 1, 1], out);
    closeAll(
      toArray(n).flat(),
      e.flatMap((r) => r.map((v) => v / Math.hypot(...r))),
      out,
    );
  });
});

describe('reduction edge cases and errors', () => {
  it('empty tensors', () => {
    expect(sum(zeros([0]))).toBe(0);
    expect(max(zeros([0]))).toBe(-Infinity);
    expect(min(zeros([0, 3]))).toBe(Infinity);
    expect(() => mean(zeros([0]))).toThrow('mean: cannot take the mean of an empty tensor');
    expect(() => mean(zeros([0, 3]), 0)).toThrow('mean: axis 0 of shape [0, 3] is empty');
    expect(toArray(sum(zeros([0, 3]), 0))).toEqual([0, 0, 0]);
  });

  it('bad arguments name the op and the argument', () => {
    const v = fromArray([1, 2, 3]);
    expect(() => sum(v as unknown as Matrix, 0)).toThrow('sum: axis needs a matrix, got shape [3]');
    expect(() => sum(zeros([2, 2]), 2 as 0)).toThrow('sum: axis must be 0 or 1, got 2');
    expect(() => dot(v, fromArray([1, 2]))).toThrow('dot: b has shape [2], expected [3]');
    expect(() => rowNorms(v as unknown as Matrix)).toThrow('rowNorms: x must be a Matrix');
    expect(() => frobeniusNorm({} as Matrix)).toThrow('frobeniusNorm: x must be a Tensor');
  });

  it('small closed forms', () => {
    const [k] = split(key(0), 1);
    expect(k).toHaveLength(4);
    expect(frobeniusNorm(fromArray([3, 4]))).toBe(5);
    expect(dot(fromArray([1, 2]), fromArray([3, 4]))).toBe(11);
    expect(
      sum(
        fromArray([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe(10);
    expect(
      toArray(
        sum(
          fromArray([
            [1, 2],
            [3, 4],
          ]),
          0,
        ),
      ),
    ).toEqual([4, 6]);
    expect(
      toArray(
        mean(
          fromArray([
            [1, 2],
            [3, 4],
          ]),
          1,
        ),
      ),
    ).toEqual([1.5, 3.5]);
  });
});
