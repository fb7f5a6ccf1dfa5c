import { describe, expect, it } from 'vitest';
import {
  DTYPES,
  foldIn,
  key,
  normal,
  normalInto,
  permutation,
  rademacher,
  randomInts,
  sliceCols,
  split,
  stream,
  toArray,
  transpose,
  uniform,
  zeros,
} from '../index.js';

// Two-sided normal tail P(|z| > t) = erfc(t / sqrt 2), from the standard normal table.
const TAIL = { 1: 0.31731050786291415, 2: 0.04550026389635842, 3: 0.0026997960632601866 };

describe('normal', () => {
  it('pins the first values for key(42), in both dtypes (the 4-lane bulk stream)', () => {
    const want = [
      -1.774715642420199, 1.9630367486124254, 0.5533747354955326, -1.072953581390746,
      0.6276061084065695, 0.005937172057703806,
    ];
    expect(Array.from(normal(key(42), [6]).data)).toEqual(want);
    expect(Array.from(normal(key(42), [2, 3], { dtype: 'float32' }).data)).toEqual([
      -1.7747156620025635, 1.9630367755889893, 0.553374707698822, -1.0729535818099976,
      0.6276060938835144, 0.005937172099947929,
    ]);
    // Element e is draw e div 4 of lane e mod 4, lane i being stream(foldIn(k, i)).
    const lanes = [0, 1, 2, 3].map((i) => stream(foldIn(key(42), i)));
    expect(want).toEqual(want.map((_, e) => lanes[e % 4].nextNormal()));
  });

  it('passes a Kolmogorov–Smirnov test and has the moments of N(0, 1) over 1e6 draws', () => {
    const n = 1_000_000;
    const x = normal(key(2024), [n]).data;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s1 += x[i];
      s2 += x[i] * x[i];
    }
    expect(Math.abs(s1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    const sorted = Float64Array.from(x).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = phi(sorted[i]);
      d = Math.max(d, (i + 1) / n - f, f - i / n);
    }
    // P(sqrt(n) D > 1.95) = 0.001 (Kolmogorov distribution); phi's error (< 1.2e-7) is negligible.
    expect(Math.sqrt(n) * d).toBeLessThan(1.95);
  });

  it('has the moments and tails of N(0, 1) over 2e5 draws', () => {
    const n = 200_000;
    const x = normal(key(1), [n]).data;
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    const over = { 1: 0, 2: 0, 3: 0 };
    for (let i = 0; i < n; i++) {
      const v = x[i];
      s1 += v;
      s2 += v * v;
      s4 += v * v * v * v;
      if (Math.abs(v) > 1) over[1]++;
      if (Math.abs(v) > 2) over[2]++;
      if (Math.abs(v) > 3) over[3]++;
    }
    // Standard errors: mean 1/sqrt(n); variance sqrt(2/n); 4th moment sqrt(96/n).
    expect(Math.abs(s1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
    for (const t of [1, 2, 3] as const) {
      const p = TAIL[t];
      expect(Math.abs(over[t] / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('is symmetric and fills the ziggurat layers evenly (histogram against the normal CDF)', () => {
    const n = 100_000;
    const x = normal(key(2), [n]).data;
    // 12 bins over [-3, 3] plus two tails; expected counts from the CDF via erf.
    const edges = [-Infinity, ...Array.from({ length: 13 }, (_, i) => -3 + i / 2), Infinity];
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (let i = 0; i < n; i++) {
      let b = 0;
      while (x[i] >= edges[b + 1]) b++;
      counts[b]++;
    }
    let chi2 = 0;
    for (let b = 0; b < counts.length; b++) {
      const p = phi(edges[b + 1]) - phi(edges[b]);
      chi2 += (counts[b] - n * p) ** 2 / (n * p);
    }
    // 13 degrees of freedom: P(chi2 > 40) < 1e-4.
    expect(chi2).toBeLessThan(40);
  });

  it('same key gives the same numbers, different keys give different numbers', () => {
    expect(normal(key(3), [50])).toEqual(normal(key(3), [50]));
    const a = normal(key(3), [1000]).data;
    for (const k of [key(4), ...split(key(3), 2), foldIn(key(3), 0)]) {
      const b = normal(k, [1000]).data;
      for (let i = 0; i < a.length; i++) if (a[i] === b[i]) expect.fail(`equal draw at ${i}`);
    }
  });

  it('float32 draws are Math.fround of the float64 draws with the same key', () => {
    const x64 = normal(key(9), [300, 7]).data;
    const x32 = normal(key(9), [300, 7], { dtype: 'float32' }).data;
    expect(x32).toBeInstanceOf(Float32Array);
    for (let i = 0; i < x64.length; i++)
      if (x32[i] !== Math.fround(x64[i])) expect.fail(`element ${i}`);
  });

  it.each(DTYPES)('normalInto on a strided view equals normal in row-major order (%s)', (dtype) => {
    const buf = zeros([9, 12], { dtype });
    buf.data.fill(42);
    const v = sliceCols(transpose(buf), 2, 7); // [12, 5], strides [1, 12], offset 24
    normalInto(key(10), v);
    expect(toArray(v)).toEqual(toArray(normal(key(10), [12, 5], { dtype })));
    let untouched = 0;
    for (const e of buf.data) if (e === 42) untouched++;
    expect(untouched).toBe(9 * 12 - 60);
    const vec = zeros([5], { dtype });
    normalInto(key(11), vec);
    expect(vec).toEqual(normal(key(11), [5], { dtype }));
  });

  it('checks its arguments', () => {
    expect(() => normal(key(0), [-1])).toThrow(
      'zeros: shape[0] must be a non-negative integer, got -1',
    );
    expect(() => normalInto(key(0), {} as never)).toThrow('normalInto: out must be a Tensor');
    expect(normal(key(0), [0, 3]).data.length).toBe(0);
  });
});

describe('uniform, rademacher, permutation, randomInts', () => {
  it('uniform lies in [low, high) with the right mean, in both dtypes', () => {
    const n = 100_000;
    for (const dtype of DTYPES) {
      const x = uniform(key(12), [n], { low: -2, high: 3, dtype }).data;
      let s = 0;
      for (const v of x) {
        if (!(v >= -2 && v < 3)) expect.fail(`out of range: ${v}`);
        s += v;
      }
      expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(25 / 12 / n));
    }
    const d = uniform(key(13), [4]).data;
    expect(Array.from(d).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Array.from(uniform(key(42), [4]).data)).toEqual([
      0.8964009496305235, 0.22989534870901562, 0.796209295960723, 0.4592471794827825,
    ]);
    expect(() => uniform(key(0), [2], { low: 1, high: 1 })).toThrow(
      'uniform: need low < high, got low=1, high=1',
    );
    expect(() => uniform(key(0), [2], { low: Number.NaN })).toThrow(
      'uniform: low must be a finite number',
    );
    expect(() => uniform(key(0), [2], { high: Infinity })).toThrow('uniform: high');
  });

  it('rademacher gives balanced signs', () => {
    const n = 100_000;
    const x = rademacher(key(14), [n / 100, 100], { dtype: 'float32' }).data;
    let s = 0;
    for (const v of x) {
      if (v !== 1 && v !== -1) expect.fail(`not a sign: ${v}`);
      s += v;
    }
    expect(Math.abs(s)).toBeLessThan(4 * Math.sqrt(n));
    expect(Array.from(rademacher(key(42), [8]).data)).toEqual([-1, -1, -1, 1, -1, -1, 1, -1]);
  });

  it('permutation is a uniformly random permutation', () => {
    expect(Array.from(permutation(key(42), 8))).toEqual([5, 4, 3, 6, 1, 2, 7, 0]);
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = permutation(foldIn(key(15), n), n);
      expect(p).toBeInstanceOf(Int32Array);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // All 6 permutations of 3 elements appear about equally often.
    const trials = 6000;
    const counts = new Map<string, number>();
    for (let t = 0; t < trials; t++) {
      const s = Array.from(permutation(foldIn(key(16), t), 3)).join('');
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const se = Math.sqrt(trials * (1 / 6) * (5 / 6));
    for (const c of counts.values()) expect(Math.abs(c - trials / 6)).toBeLessThan(4 * se);
    expect(() => permutation(key(0), -1)).toThrow(
      'permutation: n must be a non-negative integer, got -1',
    );
  });

  it('randomInts are uniform on [0, high)', () => {
    expect(Array.from(randomInts(key(42), 6, 10))).toEqual([4, 9, 4, 6, 4, 7]);
    const n = 50_000;
    const x = randomInts(key(17), n, 5);
    const counts = [0, 0, 0, 0, 0];
    for (const v of x) counts[v]++;
    const se = Math.sqrt(n * 0.2 * 0.8);
    for (const c of counts) expect(Math.abs(c - n / 5)).toBeLessThan(4 * se);
    expect(randomInts(key(18), 3, 1)).toEqual(new Int32Array(3));
    expect(Math.max(...randomInts(key(19), 100, 2 ** 31))).toBeLessThan(2 ** 31);
    // randomInts draws exactly like Stream.nextInt
    const s = stream(key(20));
    expect(Array.from(randomInts(key(20), 4, 7))).toEqual([0, 1, 2, 3].map(() => s.nextInt(7)));
    expect(() => randomInts(key(0), 2, 0)).toThrow(
      'randomInts: high must be an integer in [1, 2^31], got 0',
    );
    expect(() => randomInts(key(0), 2, 2 ** 31 + 1)).toThrow(RangeError);
    expect(() => randomInts(key(0), 1.5, 3)).toThrow(
      'randomInts: n must be a non-negative integer',
    );
  });
});

// Standard normal CDF.
function phi(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes erfcc (Chebyshev), relative error < 1.2e-7 everywhere: ample for counts.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
