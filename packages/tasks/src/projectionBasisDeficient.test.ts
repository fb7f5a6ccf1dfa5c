import {
  cholesky,
  copy,
  fromArray,
  gemmInto,
  key,
  type Matrix,
  matmul,
  normal,
  normalizeRows,
  syrkInto,
  withBackend,
  zeros,
} from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { type GroundTruth, groundTruth, groundTruthFrom, projectionBasis } from './index.js';

// Rank-deficient A = [w; M] (the Gram is not positive definite): B must still be orthonormal,
// reproduce w and M, and span the rows of A. Tolerances: float64 rounding of products of length
// d <= 200 is about 1e-15; every bound below leaves a margin of 100 to 1000.

const at = (x: Matrix, i: number, j: number) =>
  x.data[x.offset + i * x.stride[0] + j * x.stride[1]];
const maxAbs = (x: Matrix) => {
  let s = 0;
  for (let i = 0; i < x.shape[0]; i++)
    for (let j = 0; j < x.shape[1]; j++) s = Math.max(s, Math.abs(at(x, i, j)));
  return s;
};
const maxAbsDiff = (x: Matrix, y: Matrix) => {
  let s = 0;
  for (let i = 0; i < x.shape[0]; i++)
    for (let j = 0; j < x.shape[1]; j++) s = Math.max(s, Math.abs(at(x, i, j) - at(y, i, j)));
  return s;
};
const identityError = (b: Matrix) => {
  const g = matmul(b, b, { transB: true });
  let s = 0;
  for (let i = 0; i < g.shape[0]; i++)
    for (let j = 0; j < g.shape[1]; j++) s = Math.max(s, Math.abs(at(g, i, j) - (i === j ? 1 : 0)));
  return s;
};
// A = [w; M] in float64, as plain rows.
const rowsOf = (gt: GroundTruth, w: Matrix) => {
  const rows: number[][] = [];
  for (const x of [w, gt.m])
    for (let i = 0; i < x.shape[0]; i++)
      rows.push(Array.from({ length: x.shape[1] }, (_, j) => at(x, i, j)));
  return rows;
};

// Reference: an orthonormal basis of the rows by classical Gram-Schmidt with
// reorthogonalisation (two projections per row), in plain loops; a row whose residual is at
// most `tol` of its norm adds no direction.
function referenceBasis(rows: number[][], tol: number): number[][] {
  const q: number[][] = [];
  for (const a of rows) {
    const norm = Math.hypot(...a);
    const v = [...a];
    for (let pass = 0; pass < 2; pass++)
      for (const u of q) {
        let c = 0;
        for (let j = 0; j < v.length; j++) c += u[j] * v[j];
        for (let j = 0; j < v.length; j++) v[j] -= c * u[j];
      }
    const rest = Math.hypot(...v);
    if (rest > tol * norm) q.push(v.map((x) => x / rest));
  }
  return q;
}

// The checks every basis must pass; returns the basis' active rows (those in which some row of
// A has a non-zero coordinate: the completion's coordinates are exactly 0).
function checkBasis(gt: GroundTruth, w: Matrix) {
  const b = projectionBasis(gt, w);
  const [m, d] = w.shape;
  const k = m + gt.r;
  expect(b.k).toBe(k);
  expect(b.complete).toBe(false);
  expect(b.basis.shape).toEqual([k, d]);
  expect(identityError(b.basis)).toBeLessThanOrEqual(1e-12);
  expect(maxAbsDiff(matmul(b.wInBasis, b.basis), w)).toBeLessThanOrEqual(1e-12 * maxAbs(w));
  expect(maxAbsDiff(matmul(b.mInBasis, b.basis), gt.m)).toBeLessThanOrEqual(1e-12);
  // B spans the rows of A: the projection residual A - (A B^T) B, row by row.
  const rows = rowsOf(gt, w);
  const a = fromArray(rows);
  const residual = maxAbsDiff(matmul(matmul(a, b.basis, { transB: true }), b.basis), a);
  expect(residual).toBeLessThanOrEqual(1e-12 * maxAbs(a));
  const active: number[] = [];
  for (let l = 0; l < k; l++)
    if (
      [b.wInBasis, b.mInBasis].some((c) =>
        Array.from({ length: c.shape[0] }, (_, i) => at(c, i, l)).some((v) => v !== 0),
      )
    )
      active.push(l);
  return { b, rows, active };
}

// The active rows of B span exactly the rows of A: the projector onto them equals the reference
// projector (onto span A, from Gram-Schmidt), and there are as many as the reference's rank.
function checkSpan(gt: GroundTruth, w: Matrix, rank: number) {
  const { b, rows, active } = checkBasis(gt, w);
  const ref = referenceBasis(rows, 1e-8);
  expect(ref.length).toBe(rank);
  expect(active.length).toBe(rank);
  const d = w.shape[1];
  const p = zeros([active.length, d] as const);
  active.forEach((l, s) => {
    for (let j = 0; j < d; j++) p.data[s * d + j] = b.basis.data[l * d + j];
  });
  const q = fromArray(ref);
  const projector = (x: Matrix) => matmul(x, x, { transA: true });
  expect(maxAbsDiff(projector(p), projector(q))).toBeLessThanOrEqual(1e-12);
  return b;
}

describe('projectionBasis on a rank-deficient A', () => {
  it('oracle layer: w = U M with unit rows U (rank r); a float32 w with repeated rows', () => {
    const gt = groundTruth(key(20), { d: 60, r: 3 });
    checkSpan(gt, matmul(normalizeRows(normal(key(21), [12, 3] as const)), gt.m), 3);
    // In float32, U M is no longer inside span(M) (rounding at 1e-8): only the checks of any
    // basis apply. Rows repeated exactly in float32 give rank 4 + r.
    const w32 = copy(matmul(normalizeRows(normal(key(21), [12, 3] as const)), gt.m), 'float32');
    checkBasis(gt, w32);
    const rep = normal(key(39), [12, 60] as const, { dtype: 'float32' });
    for (let i = 4; i < 12; i++) rep.data.copyWithin(i * 60, (i % 4) * 60, ((i % 4) + 1) * 60);
    checkSpan(gt, rep, 7);
  });

  it('w = M tiled (rows exactly repeated), on the js and wasm backends', () => {
    const gt = groundTruth(key(22), { d: 80, r: 4 });
    const w = zeros([10, 80] as const);
    for (let i = 0; i < 10; i++)
      w.data.set(gt.m.data.subarray((i % 4) * 80, ((i % 4) + 1) * 80), i * 80);
    checkSpan(gt, w, 4);
    withBackend('wasm', () => checkSpan(gt, w, 4));
  });

  it('a w of rank 1, with zero rows, and w = 0', () => {
    const gt = groundTruth(key(23), { d: 50, r: 2 });
    const v = normal(key(24), [50] as const);
    const s = normal(key(25), [8] as const);
    const w = zeros([8, 50] as const);
    for (let i = 0; i < 8; i++)
      if (i % 3 !== 2) for (let j = 0; j < 50; j++) w.data[i * 50 + j] = s.data[i] * v.data[j];
    checkSpan(gt, w, 3);
    checkSpan(gt, zeros([5, 50] as const), 2);
  });

  it('rows differing by 1e-9, 1e-12 and 1e-15 relative (below the Gram resolution)', () => {
    const gt = groundTruth(key(26), { d: 70, r: 3 });
    const base = normal(key(27), [9, 70] as const);
    const tiny = normal(key(28), [3, 70] as const);
    for (const eps of [1e-9, 1e-12, 1e-15]) {
      const w = copy(base);
      // Rows 6, 7, 8 are rows 0, 1, 2 plus eps times a new direction each (and w has rank 6
      // plus three directions at eps).
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 70; j++)
          w.data[(6 + i) * 70 + j] = w.data[i * 70 + j] * (1 + eps) + eps * tiny.data[i * 70 + j];
      const { active } = checkBasis(gt, w);
      // The directions at 1e-9 and 1e-12 are kept (the rows are reproduced to 1e-12 of their
      // norm only with them); at 1e-15 they are rounding.
      if (eps >= 1e-12) expect(active.length).toBe(12);
      else expect(active.length).toBeGreaterThanOrEqual(9);
    }
  });

  it('a small row in a new direction (1e-9 of the others) is reproduced to its own rounding', () => {
    const gt = groundTruth(key(29), { d: 40, r: 2 });
    const w = copy(matmul(normal(key(30), [6, 2] as const), gt.m));
    const extra = normal(key(31), [40] as const);
    for (let j = 0; j < 40; j++) w.data[5 * 40 + j] = 1e-9 * extra.data[j];
    const b = checkSpan(gt, w, 3);
    const back = matmul(b.wInBasis, b.basis);
    let err = 0;
    for (let j = 0; j < 40; j++)
      err = Math.max(err, Math.abs(back.data[5 * 40 + j] - w.data[5 * 40 + j]));
    expect(err).toBeLessThanOrEqual(1e-12 * 1e-9 * Math.max(...extra.data.map(Math.abs)));
  });

  it('m + r close to d, and a span whose smallest columns hold one of its vectors', () => {
    // d = 20, k = 19: w of rank 5 plus M.
    const gt = groundTruth(key(32), { d: 20, r: 2 });
    const w = copy(matmul(normal(key(33), [17, 5] as const), normal(key(34), [5, 20] as const)));
    checkSpan(gt, w, 7);
    // d = 10, k = 9, span A = span(p1, p2) with p1 = (e0 + e1 + e2) / sqrt 3, p2 = (e3 + ... +
    // e6) / 2. The 7 columns of P with the smallest norms are 7, 8, 9 (0) and 3..6 (1/4), which
    // contain p2: the coordinate vectors e_j of those columns, projected off span A, are
    // dependent, so the completion must choose among its candidates (pivoting).
    const p1 = Array.from({ length: 10 }, (_, j) => (j < 3 ? 1 / Math.sqrt(3) : 0));
    const p2 = Array.from({ length: 10 }, (_, j) => (j >= 3 && j < 7 ? 0.5 : 0));
    const sparse = groundTruthFrom(fromArray([p1]));
    const c = normal(key(35), [8, 2] as const);
    const ws = fromArray(
      Array.from({ length: 8 }, (_, i) =>
        p1.map((x, j) => c.data[2 * i] * x + c.data[2 * i + 1] * p2[j]),
      ),
    );
    checkSpan(sparse, ws, 2);
  });

  it('the well-conditioned path gives the bits of CholeskyQR2 (one pass and two)', () => {
    // The Cholesky-only computation: L1 L1^T = A A^T, Q1 = L1^{-1} A; a second pass when Q1 is
    // orthonormal to more than 1e-10 only. Random rows take one pass, a condition number of
    // about 1e5 two.
    const invertLower = (l: Matrix<'float64'>) => {
      const n = l.shape[0];
      const out = zeros([n, n] as const);
      for (let j = 0; j < n; j++) {
        out.data[j * n + j] = 1 / l.data[j * n + j];
        for (let i = j + 1; i < n; i++) {
          let s = 0;
          for (let p = j; p < i; p++) s += l.data[i * n + p] * out.data[p * n + j];
          out.data[i * n + j] = -s / l.data[i * n + i];
        }
      }
      return out;
    };
    const gram = (x: Matrix<'float64'>) => {
      const g = zeros([x.shape[0], x.shape[0]] as const);
      syrkInto(g, x);
      return g;
    };
    const gt = groundTruth(key(36), { d: 90, r: 3 });
    const easy = normal(key(37), [9, 90] as const);
    const hard = copy(easy);
    const tiny = normal(key(38), [90] as const);
    for (let j = 0; j < 90; j++) hard.data[8 * 90 + j] = hard.data[90 + j] + 1e-5 * tiny.data[j];
    for (const [w, passes] of [
      [easy, 1],
      [hard, 2],
    ] as const) {
      const a = zeros([12, 90] as const);
      a.data.set(w.data);
      a.data.set(gt.m.data, 9 * 90);
      const l1 = cholesky(gram(a));
      const q1 = zeros([12, 90] as const);
      gemmInto(q1, invertLower(l1), a);
      const g1 = gram(q1);
      let worst = 0;
      for (let i = 0; i < 12; i++)
        for (let j = 0; j < 12; j++)
          worst = Math.max(worst, Math.abs(g1.data[i * 12 + j] - (i === j ? 1 : 0)));
      expect(worst <= 1e-10 ? 1 : 2).toBe(passes);
      let basis = q1;
      let coords = l1;
      if (passes === 2) {
        const l2 = cholesky(g1);
        basis = zeros([12, 90] as const);
        gemmInto(basis, invertLower(l2), q1);
        coords = matmul(l1, l2);
      }
      const b = projectionBasis(gt, w);
      expect([...b.basis.data]).toEqual([...basis.data]);
      expect([...b.wInBasis.data]).toEqual([...coords.data.subarray(0, 9 * 12)]);
      expect([...b.mInBasis.data]).toEqual([...coords.data.subarray(9 * 12)]);
    }
  });
});
