import { fromArray, key, type Matrix, normal, split, toArray, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { fitLinearProbe, predict, score } from './index.js';

// Independent objectives, written from the formulas with plain loops.
function logisticObjective(x: number[][], y: number[], w: number[], b: number, l2: number): number {
  let loss = 0;
  x.forEach((row, i) => {
    const f = row.reduce((acc, v, j) => acc + v * w[j], b);
    loss += Math.log1p(Math.exp(-y[i] * f));
  });
  return loss / x.length + 0.5 * l2 * w.reduce((acc, v) => acc + v * v, 0);
}

function ridgeObjective(x: number[][], y: number[], w: number[], b: number, l2: number): number {
  let loss = 0;
  x.forEach((row, i) => {
    const f = row.reduce((acc, v, j) => acc + v * w[j], b);
    loss += (y[i] - f) ** 2;
  });
  return loss / (2 * x.length) + 0.5 * l2 * w.reduce((acc, v) => acc + v * v, 0);
}

// Central finite differences of an objective in (w, b), step h.
function fdGradient(
  obj: (w: number[], b: number) => number,
  w: number[],
  b: number,
  h = 1e-5,
): number[] {
  const g = w.map((_, j) => {
    const up = w.slice();
    const down = w.slice();
    up[j] += h;
    down[j] -= h;
    return (obj(up, b) - obj(down, b)) / (2 * h);
  });
  g.push((obj(w, b + h) - obj(w, b - h)) / (2 * h));
  return g;
}

// Noisy labels from a random linear rule, so the logistic problem is not separable.
function problem(seed: number, n: number, p: number): { x: Matrix; y: Vector } {
  const [kx, kw, kn] = split(key(seed), 3);
  const x = normal(kx, [n, p]);
  const w = normal(kw, [p]);
  const noise = normal(kn, [n]);
  const y = fromArray(
    toArray(x).map((row, i) =>
      row.reduce((a, v, j) => a + v * w.data[j], 0.3) + 2 * noise.data[i] >= 0 ? 1 : -1,
    ),
  );
  return { x, y };
}

describe('fitLinearProbe: logistic', () => {
  it.each([
    ['more samples than features (primal Newton system)', 80, 6],
    ['more features than samples (dual Newton system)', 24, 40],
  ])('has a vanishing gradient at its answer: %s', (_, n, p) => {
    const { x, y } = problem(40 + n, n, p);
    const l2 = 0.05;
    const probe = fitLinearProbe(x, y, { l2 });
    expect(probe.converged).toBe(true);
    expect(probe.status).toBe('converged');
    expect(probe.gradNorm).toBeLessThanOrEqual(1e-8);
    expect(probe.iterations).toBeGreaterThan(1);
    const xs = toArray(x);
    const ys = toArray(y);
    const w = toArray(probe.weights);
    const obj = (ww: number[], b: number) => logisticObjective(xs, ys, ww, b, l2);
    const g = fdGradient(obj, w, probe.intercept);
    // Finite differences with h = 1e-5 are accurate to about 1e-10 here.
    for (const gi of g) expect(Math.abs(gi)).toBeLessThan(1e-7);
    expect(probe.objective).toBeCloseTo(obj(w, probe.intercept), 12);
    // And it is a minimum: moving any coordinate raises the objective.
    expect(
      obj(
        w.map((v, j) => (j === 0 ? v + 1e-3 : v)),
        probe.intercept,
      ),
    ).toBeGreaterThan(probe.objective);
  });

  it('solves a separable toy case with accuracy 1', () => {
    // Two clusters around (+-2, +-2) separated by the line x1 + x2 = 0.
    const [ka, kb] = split(key(43));
    const a = normal(ka, [30, 2]);
    const b = normal(kb, [30, 2]);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 30; i++) {
      rows.push([2 + 0.5 * a.data[2 * i], 2 + 0.5 * a.data[2 * i + 1]]);
      labels.push(1);
      rows.push([-2 + 0.5 * b.data[2 * i], -2 + 0.5 * b.data[2 * i + 1]]);
      labels.push(-1);
    }
    const x = fromArray(rows);
    const y = fromArray(labels);
    const probe = fitLinearProbe(x, y, { l2: 1e-3 });
    // A contiguous float64 x is read in place (no copy) and left as it was.
    expect(toArray(x)).toEqual(rows);
    predict(probe, x);
    expect(toArray(x)).toEqual(rows);
    expect(probe.converged).toBe(true);
    expect(score(probe, x, y)).toBe(1);
    expect(
      toArray(
        predict(
          probe,
          fromArray([
            [1, 1],
            [-1, -1],
          ]),
        ),
      ),
    ).toEqual([1, -1]);
  });

  it('reports non-convergence with a tiny maxIter instead of hiding it', () => {
    const { x, y } = problem(44, 60, 5);
    const one = fitLinearProbe(x, y, { l2: 1e-3, maxIter: 1 });
    expect(one.converged).toBe(false);
    expect(one.status).toBe('maxIter');
    expect(one.iterations).toBe(1);
    expect(one.gradNorm).toBeGreaterThan(1e-8);
    const none = fitLinearProbe(x, y, { maxIter: 0 });
    expect(none.iterations).toBe(0);
    expect(none.converged).toBe(false);
    expect(toArray(none.weights)).toEqual([0, 0, 0, 0, 0]);
    // An unreachable tolerance stops at the floating-point floor, also reported.
    const strict = fitLinearProbe(x, y, { tol: 1e-300 });
    expect(strict.converged).toBe(false);
    expect(['maxIter', 'lineSearch']).toContain(strict.status);
  });

  it('fits without an intercept, and gives the same answer for float32 input', () => {
    const { x, y } = problem(45, 50, 4);
    const probe = fitLinearProbe(x, y, { fitIntercept: false });
    expect(probe.intercept).toBe(0);
    const xs = toArray(x);
    const ys = toArray(y);
    const g = fdGradient((w) => logisticObjective(xs, ys, w, 0, 1e-3), toArray(probe.weights), 0);
    for (const gi of g.slice(0, -1)) expect(Math.abs(gi)).toBeLessThan(1e-7);
    const x32 = fromArray(xs, { dtype: 'float32' });
    const p32 = fitLinearProbe(x32, y);
    expect(p32.converged).toBe(true);
    expect(score(p32, x32, y)).toBeCloseTo(score(fitLinearProbe(x, y), x, y), 1);
  });
});

describe('fitLinearProbe: ridge', () => {
  // The normal equations (Xc^T Xc / n + l2 I) w = Xc^T yc / n solved by Gaussian elimination.
  function ridgeByHand(x: number[][], y: number[], l2: number): { w: number[]; b: number } {
    const n = x.length;
    const p = x[0].length;
    const xm = Array.from({ length: p }, (_, j) => x.reduce((a, r) => a + r[j], 0) / n);
    const ym = y.reduce((a, v) => a + v, 0) / n;
    const a = Array.from({ length: p }, (_, i) =>
      Array.from({ length: p + 1 }, (_, j) =>
        j < p
          ? x.reduce((acc, r) => acc + (r[i] - xm[i]) * (r[j] - xm[j]), 0) / n + (i === j ? l2 : 0)
          : x.reduce((acc, r, k) => acc + (r[i] - xm[i]) * (y[k] - ym), 0) / n,
      ),
    );
    for (let c = 0; c < p; c++) {
      let piv = c;
      for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
      [a[c], a[piv]] = [a[piv], a[c]];
      for (let r = 0; r < p; r++) {
        if (r === c) continue;
        const f = a[r][c] / a[c][c];
        for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
      }
    }
    const w = a.map((row, i) => row[p] / row[i]);
    return { w, b: ym - xm.reduce((acc, v, j) => acc + v * w[j], 0) };
  }

  it.each([
    ['primal', 40, 5],
    ['dual', 12, 30],
  ])('matches the normal equations (%s form)', (_, n, p) => {
    const { x, y } = problem(46 + n, n, p);
    const l2 = 0.1;
    const probe = fitLinearProbe(x, y, { kind: 'ridge', l2 });
    const ref = ridgeByHand(toArray(x), toArray(y), l2);
    const w = toArray(probe.weights);
    for (let j = 0; j < p; j++) expect(w[j]).toBeCloseTo(ref.w[j], 9);
    expect(probe.intercept).toBeCloseTo(ref.b, 9);
    expect(probe.converged).toBe(true);
    expect(probe.kind).toBe('ridge');
    const g = fdGradient(
      (ww, b) => ridgeObjective(toArray(x), toArray(y), ww, b, l2),
      w,
      probe.intercept,
    );
    for (const gi of g) expect(Math.abs(gi)).toBeLessThan(1e-8);
  });
});

describe('fitLinearProbe: errors', () => {
  const x = fromArray([[0], [1]]);
  const y = fromArray([-1, 1]);
  it.each([
    [
      () => fitLinearProbe(fromArray([0, 1]) as never, y),
      /fitLinearProbe: x must be a Matrix/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, fromArray([-1, 1, 1])),
      /fitLinearProbe: y has shape \[3\], expected \[2\]/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, fromArray([0, 1])),
      /fitLinearProbe: y must hold labels -1 or \+1, got 0 at \[0\]/,
      RangeError,
    ],
    [
      () => fitLinearProbe(fromArray([[Number.NaN], [1]]), y),
      /fitLinearProbe: x must have finite entries, got NaN at \[0, 0\]/,
      RangeError,
    ],
    [
      () => fitLinearProbe(fromArray([[1], [Number.POSITIVE_INFINITY]], { dtype: 'float32' }), y),
      /fitLinearProbe: x must have finite entries, got Infinity at \[1, 0\]/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, y, { kind: 'svm' as never }),
      /fitLinearProbe: opts.kind must be one of "logistic", "ridge", got "svm"/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, y, { l2: -1 }),
      /fitLinearProbe: opts.l2 must be a finite number >= 0, got -1/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, y, { tol: 0 }),
      /fitLinearProbe: opts.tol must be a finite number > 0/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, y, { maxIter: 1.5 }),
      /fitLinearProbe: opts.maxIter must be an integer >= 0/,
      RangeError,
    ],
    [
      () => fitLinearProbe(x, y, 3 as never),
      /fitLinearProbe: options must be an object, got 3/,
      TypeError,
    ],
    [
      () => fitLinearProbe(x, y, { l2: '1' as never }),
      /fitLinearProbe: opts.l2 must be/,
      TypeError,
    ],
  ])('throws a named error of the right type (%#)', (call, message, type) => {
    expect(call).toThrow(message);
    expect(call).toThrow(type);
  });
});
