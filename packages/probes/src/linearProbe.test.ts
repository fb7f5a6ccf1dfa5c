import { fromArray, key, type Matrix, normal, split, toArray, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  decisionFunction,
  fitLinearProbe,
  linearProbe,
  type Predictor,
  predict,
  score,
} from './index.js';

describe('linearProbe and the Predictor interface', () => {
  const [kx, kw] = split(key(21));
  const x = normal(kx, [60, 3] as const);
  const w = normal(kw, [3] as const).data;
  const y = fromArray(
    (toArray(x) as number[][]).map((r) => (r[0] * w[0] + r[1] * w[1] + r[2] * w[2] >= 0 ? 1 : -1)),
  );

  it('fits exactly what fitLinearProbe fits, and the fitted probe is a Predictor', () => {
    for (const opts of [undefined, { kind: 'ridge', l2: 1e-2 }] as const) {
      const probe = linearProbe(opts);
      expect(probe.name).toBe(opts === undefined ? 'linear-logistic' : 'linear-ridge');
      const a = probe.fit(key(0), x, y);
      const b = fitLinearProbe(x, y, opts);
      expect(a).toEqual(b);
      expect(Array.from(a.weights.data)).toEqual(Array.from(b.weights.data));
      expect(Array.from(a.decision(x).data)).toEqual(Array.from(decisionFunction(b, x).data));
    }
  });

  it('keeps the fitted probe plain data: decision is not an own enumerable field', () => {
    const fitted = fitLinearProbe(x, y);
    expect(Object.keys(fitted)).not.toContain('decision');
    const clone = structuredClone(fitted);
    expect(Array.from(predict(clone, x).data)).toEqual(Array.from(predict(fitted, x).data));
    expect(JSON.parse(JSON.stringify({ ...fitted, weights: undefined }))).toMatchObject({
      kind: 'logistic',
    });
  });

  it('refuses bad options when the probe is made', () => {
    expect(() => linearProbe({ l2: -1 })).toThrow(
      new RangeError('linearProbe: opts.l2 must be a finite number >= 0, got -1'),
    );
    expect(() => linearProbe({ kind: 'svm' as never })).toThrow(RangeError);
    expect(() => linearProbe({ fitIntercept: 1 as never })).toThrow(TypeError);
  });

  it('predict, score and decisionFunction take any Predictor', () => {
    // A user-written predictor: the first feature's sign, returned as float32.
    const first: Predictor = {
      decision: (f: Matrix): Vector => {
        const out = new Float32Array(f.shape[0]);
        for (let i = 0; i < out.length; i++) out[i] = f.data[f.offset + i * f.stride[0]];
        return fromArray(Array.from(out), { dtype: 'float32' }) as Vector;
      },
    };
    const f = fromArray([
      [-2, 5],
      [0, 1],
      [3, -1],
    ]);
    expect(toArray(decisionFunction(first, f))).toEqual([-2, 0, 3]);
    expect(decisionFunction(first, f).dtype).toBe('float64');
    expect(toArray(predict(first, f))).toEqual([-1, 1, 1]);
    expect(score(first, f, fromArray([-1, -1, 1]))).toBeCloseTo(2 / 3, 15);
    // Its output is checked.
    const short: Predictor = { decision: () => fromArray([1]) as Vector };
    expect(() => predict(short, f)).toThrow(
      new RangeError(
        "predict: the probe's decision(x) has shape [1], expected [3] (one score per row of x)",
      ),
    );
    const nan: Predictor = {
      decision: (g) => fromArray(new Array(g.shape[0]).fill(Number.NaN)) as Vector,
    };
    expect(() => score(nan, f, fromArray([1, 1, 1]))).toThrow(
      /score: the probe's decision\(x\) must not be NaN, got NaN at \[0\]/,
    );
    const none = { decision: () => [1, 2, 3] } as unknown as Predictor;
    expect(() => predict(none, f)).toThrow(TypeError);
    expect(() => predict(first, fromArray([[Number.NaN, 1]]))).toThrow(
      /predict: x must have finite entries, got NaN at \[0, 0\]/,
    );
  });
});
