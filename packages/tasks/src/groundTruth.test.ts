import { fromArray, key, type Matrix, normal, toArray, transpose, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { groundTruth, groundTruthFrom } from './index.js';

// Largest |(M M^T - I)_{ik}|, with plain loops (independent of the package).
function orthoError(m: Matrix): number {
  const a = toArray(m);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    for (let k = 0; k < a.length; k++) {
      let p = 0;
      for (let j = 0; j < a[0].length; j++) p += a[i][j] * a[k][j];
      worst = Math.max(worst, Math.abs(p - (i === k ? 1 : 0)));
    }
  }
  return worst;
}

describe('groundTruth random', () => {
  it('has orthonormal rows in float64 and float32', () => {
    for (const [d, r] of [
      [64, 4],
      [10, 10],
      [7, 1],
    ]) {
      const g64 = groundTruth(key(3), { d, r });
      expect(g64.m.shape).toEqual([r, d]);
      expect(g64.kind).toBe('random');
      expect(orthoError(g64.m)).toBeLessThan(1e-12);
      const g32 = groundTruth(key(3), { d, r, dtype: 'float32' });
      expect(g32.m.dtype).toBe('float32');
      expect(orthoError(g32.m)).toBeLessThan(1e-6);
      // float32 is the float64 ground truth rounded once.
      expect(Array.from(g32.m.data)).toEqual(Array.from(g64.m.data, Math.fround));
    }
  });

  it('is Q^T of the thin QR of normal(key, [d, r]) with a positive diagonal of R', () => {
    const [d, r] = [20, 3];
    const g = toArray(normal(key(5), [d, r]));
    const m = toArray(groundTruth(key(5), { d, r }).m);
    // R = M G must be upper triangular with a positive diagonal, and M^T R must give back G.
    const R = m.map((row) =>
      Array.from({ length: r }, (_, j) => row.reduce((s, v, i) => s + v * g[i][j], 0)),
    );
    for (let i = 0; i < r; i++) {
      expect(R[i][i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(R[i][j])).toBeLessThan(1e-12);
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < r; j++) {
        let back = 0;
        for (let a = 0; a < r; a++) back += m[a][i] * R[a][j];
        expect(back).toBeCloseTo(g[i][j], 12);
      }
    }
  });

  it('is reproducible from the key and differs between keys', () => {
    const a = groundTruth(key(1), { d: 16, r: 2 });
    const b = groundTruth(key(1), { d: 16, r: 2 });
    const c = groundTruth(key(2), { d: 16, r: 2 });
    expect(b.m.data).toEqual(a.m.data);
    expect(c.m.data).not.toEqual(a.m.data);
  });
});

describe('groundTruth coordinates', () => {
  it('rows are distinct standard basis vectors chosen by the key', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const gt = groundTruth(key(9), { d: 30, r: 5, kind: 'coordinates', dtype });
      const rows = toArray(gt.m);
      const coords = gt.coordinates ?? [];
      expect(new Set(coords).size).toBe(5);
      rows.forEach((row, i) => {
        expect(row.filter((v) => v === 1).length).toBe(1);
        expect(row.filter((v) => v === 0).length).toBe(29);
        expect(row[coords[i]]).toBe(1);
      });
      expect(orthoError(gt.m)).toBe(0);
    }
    const other = groundTruth(key(10), { d: 30, r: 5, kind: 'coordinates' });
    expect(other.coordinates).not.toEqual(
      groundTruth(key(9), { d: 30, r: 5, kind: 'coordinates' }).coordinates,
    );
  });

  it('uses given coordinates in their order', () => {
    const gt = groundTruth(key(0), { d: 6, r: 3, kind: 'coordinates', coordinates: [4, 0, 2] });
    expect(gt.coordinates).toEqual([4, 0, 2]);
    expect(toArray(gt.m)).toEqual([
      [0, 0, 0, 0, 1, 0],
      [1, 0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0, 0],
    ]);
  });
});

describe('groundTruth validation', () => {
  const k = key(0);
  it.each([
    [{ d: 4, r: 5 }, /groundTruth: r must be <= d/],
    [{ d: 4, r: 0 }, /groundTruth: r must be an integer >= 1, got 0/],
    [{ d: 4.5, r: 2 }, /groundTruth: d must be an integer >= 1, got 4.5/],
    [{ d: 4, r: 1.5 }, /groundTruth: r must be an integer/],
    [
      { d: 4, r: 2, kind: 'sparse' },
      /groundTruth: opts.kind must be one of 'random', 'coordinates', got "sparse"/,
    ],
    [
      { d: 4, r: 2, kind: 'coordinates', coordinates: [1, 1] },
      /coordinates has the duplicate index 1/,
    ],
    [
      { d: 4, r: 2, kind: 'coordinates', coordinates: [1, 4] },
      /coordinates\[1\] must be an integer in \[0, 3\], got 4/,
    ],
    [
      { d: 4, r: 2, kind: 'coordinates', coordinates: [1] },
      /coordinates must have 2 entries, got 1/,
    ],
    [
      { d: 4, r: 2, kind: 'coordinates', coordinates: [0.5, 1] },
      /coordinates\[0\] must be an integer/,
    ],
    [{ d: 4, r: 2, coordinates: [0, 1] }, /coordinates are only allowed with kind 'coordinates'/],
    [{ d: 4, r: 2, dtype: 'int8' }, /groundTruth: dtype must be/],
  ])('rejects %j', (opts, msg) => {
    expect(() => groundTruth(k, opts as never)).toThrow(msg);
  });
  it('rejects a bad key', () => {
    expect(() => groundTruth([1, 2] as never, { d: 2, r: 1 })).toThrow(/groundTruth: key/);
  });
});

describe('groundTruthFrom', () => {
  it('accepts orthonormal rows (also a strided view) and copies them', () => {
    const src = groundTruth(key(4), { d: 8, r: 3 }).m;
    const viaT = transpose(transpose(src));
    const gt = groundTruthFrom(viaT);
    expect(gt).toMatchObject({ d: 8, r: 3, kind: 'given' });
    expect(gt.m.data).not.toBe(src.data);
    expect(gt.m.data).toEqual(src.data);
    const cols = fromArray([
      [0.6, 0],
      [0, 1],
      [0.8, 0],
    ]);
    expect(groundTruthFrom(transpose(cols)).r).toBe(2);
    expect(groundTruthFrom(fromArray([[0, 1, 0]], { dtype: 'float32' })).m.dtype).toBe('float32');
  });

  it('rejects non-orthonormal, wrongly shaped or non-finite matrices', () => {
    expect(() => groundTruthFrom(fromArray([[1, 1]]))).toThrow(
      /groundTruthFrom: rows of m must be orthonormal/,
    );
    expect(() =>
      groundTruthFrom(
        fromArray([
          [1, 0],
          [1, 0],
        ]),
      ),
    ).toThrow(/orthonormal/);
    expect(() =>
      groundTruthFrom(
        fromArray([
          [1, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toThrow(/1 <= r <= d, got \[3, 2\]/);
    expect(() => groundTruthFrom(fromArray([[Number.NaN, 0]]))).toThrow(/orthonormal/);
    expect(() => groundTruthFrom(zeros([0, 3]))).toThrow(/1 <= r <= d/);
    expect(() => groundTruthFrom([[1]] as never)).toThrow(/groundTruthFrom: m must be a Matrix/);
    expect(() => groundTruthFrom(fromArray([[1.001, 0]]), { tol: 1e-4 })).toThrow(/> tol/);
    expect(groundTruthFrom(fromArray([[1.001, 0]]), { tol: 1e-2 }).r).toBe(1);
    expect(() => groundTruthFrom(fromArray([[1, 0]]), { tol: -1 })).toThrow(
      /tol must be a finite number >= 0/,
    );
  });
});
