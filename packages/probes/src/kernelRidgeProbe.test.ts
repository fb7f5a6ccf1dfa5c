import { fromArray, key, type Matrix, normal, split, toArray, uniform } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { decisionFunction, fitLinearProbe, kernelRidgeProbe, predict, score } from './index.js';

// Gaussian elimination with partial pivoting: an independent solver for the closed form.
function solveDense(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

const rbf = (a: number[], b: number[], gamma: number) =>
  Math.exp(-gamma * a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0));

// xor-like data: y = sign(x0 x1) on Gaussian x in R^2.
function xorData(k: ReturnType<typeof key>, n: number): { x: Matrix; y: Matrix['data'] } {
  const x = normal(k, [n, 2] as const);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = x.data[2 * i] * x.data[2 * i + 1] >= 0 ? 1 : -1;
  return { x, y };
}

describe('kernelRidgeProbe', () => {
  it('matches the closed form alpha = (K + l2 I)^{-1} y solved independently', () => {
    const [kx, ky] = split(key(3));
    const n = 30;
    const p = 4;
    const x = normal(kx, [n, p] as const);
    const y = fromArray(Array.from(uniform(ky, [n] as const).data, (u) => (u < 0.5 ? -1 : 1)));
    const rows = toArray(x) as number[][];
    for (const gamma of [undefined, 0.7]) {
      const g = gamma ?? 1 / p;
      const probe = kernelRidgeProbe({ l2: 0.05, ...(gamma === undefined ? {} : { gamma }) });
      expect(probe.name).toBe('kernel-ridge');
      const fitted = probe.fit(key(0), x, y);
      const k = rows.map((a) => rows.map((b) => rbf(a, b, g)));
      const alpha = solveDense(
        k.map((row, i) => row.map((v, j) => v + (i === j ? 0.05 : 0))),
        Array.from(y.data),
      );
      expect(fitted.gamma).toBe(g);
      const got = Array.from(fitted.alpha.data);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(alpha[i], 9);
      expect(fitted.converged).toBe(true);
      expect(fitted.gradNorm).toBeLessThan(1e-9);
      // Decisions on new points: sum_i alpha_i k(x, x_i).
      const xt = normal(key(9), [7, p] as const);
      const want = (toArray(xt) as number[][]).map((q) =>
        rows.reduce((s, r, i) => s + alpha[i] * rbf(q, r, g), 0),
      );
      const f = Array.from(decisionFunction(fitted, xt).data);
      for (let i = 0; i < f.length; i++) expect(f[i]).toBeCloseTo(want[i], 9);
      expect(Array.from(fitted.decision(xt).data)).toEqual(f);
    }
  });

  it('fits xor-like data that a linear probe cannot', () => {
    const [kTrain, kTest] = split(key(11));
    const train = xorData(kTrain, 400);
    const test = xorData(kTest, 1000);
    const yTrain = fromArray(Array.from(train.y));
    const yTest = fromArray(Array.from(test.y));
    const kernel = kernelRidgeProbe({ gamma: 1, l2: 1e-2 }).fit(key(1), train.x, yTrain);
    const linear = fitLinearProbe(train.x, yTrain);
    const kAcc = score(kernel, test.x, yTest);
    const lAcc = score(linear, test.x, yTest);
    expect(kAcc).toBeGreaterThan(0.9); // measured 0.967
    expect(lAcc).toBeLessThan(0.7); // measured 0.619: a linear rule cannot do much better
    expect(Array.from(predict(kernel, test.x).data).every((v) => v === 1 || v === -1)).toBe(true);
  });

  it('stays plain data and refuses bad options and inputs with one error type per mistake', () => {
    const x = fromArray([[0], [1], [2]]);
    const y = fromArray([-1, 1, 1]);
    const fitted = kernelRidgeProbe({ l2: 1 }).fit(key(0), x, y);
    expect(Object.keys(fitted)).not.toContain('decision');
    expect(() => structuredClone(fitted)).not.toThrow();
    expect(() => kernelRidgeProbe({ l2: 0 })).toThrow(
      new RangeError('kernelRidgeProbe: opts.l2 must be a finite number > 0, got 0'),
    );
    expect(() => kernelRidgeProbe({} as never)).toThrow(TypeError);
    expect(() => kernelRidgeProbe({ l2: 1, gamma: -1 })).toThrow(RangeError);
    expect(() => kernelRidgeProbe({ l2: 1, kernel: 'poly' as never })).toThrow(
      /kernelRidgeProbe: opts.kernel must be one of "rbf", got "poly"/,
    );
    expect(() => kernelRidgeProbe(3 as never)).toThrow(TypeError);
    const probe = kernelRidgeProbe({ l2: 1 });
    expect(() => probe.fit(key(0), x, fromArray([1, 0, 1]))).toThrow(
      /kernelRidgeProbe.fit: y must hold labels -1 or \+1, got 0 at \[1\]/,
    );
    expect(() => probe.fit(key(0), fromArray([[Number.NaN]]), fromArray([1]))).toThrow(RangeError);
    expect(() => predict(fitted, fromArray([[1, 2]]))).toThrow(
      /features have shape \[1, 2\], expected \[n, 1\]/,
    );
  });
});
