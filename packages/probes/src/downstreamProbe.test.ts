import { initLayer } from '@mtrl/network';
import { type CustomDrawFamily, groundTruth, sampleTask, taskSuite } from '@mtrl/tasks';
import { fromArray, key, type Matrix, normal, split, type Vector } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  evaluateDownstream,
  featureMap,
  fitLinearProbe,
  kernelRidgeProbe,
  linearProbe,
  type Predictor,
  type Probe,
  score,
} from './index.js';

const d = 12;
const gt = groundTruth(key(81), { d, r: 2 });
const identity = (x: Matrix) => x;

// A user-written family: task t is the xor of two random directions of z, drawn from its key.
const tilted: CustomDrawFamily = {
  kind: 'custom',
  name: 'tilted-xor',
  draw: (k) => {
    const [a, b] = split(k);
    const u = normal(a, [2] as const).data;
    const v = normal(b, [2] as const).data;
    return (z) => (z[0] * u[0] + z[1] * u[1]) * (z[0] * v[0] + z[1] * v[1]);
  },
};

// A user-written probe: nearest class centroid, decision |f - c-|^2 - |f - c+|^2.
const nearestCentroid: Probe = {
  name: 'nearest-centroid',
  fit(_key, x, y) {
    const [n, p] = x.shape;
    const plus = new Float64Array(p);
    const minus = new Float64Array(p);
    let np = 0;
    for (let i = 0; i < n; i++) {
      const c = y.data[i] > 0 ? plus : minus;
      if (y.data[i] > 0) np++;
      for (let j = 0; j < p; j++) c[j] += x.data[x.offset + i * x.stride[0] + j * x.stride[1]];
    }
    for (let j = 0; j < p; j++) {
      plus[j] /= Math.max(1, np);
      minus[j] /= Math.max(1, n - np);
    }
    return {
      decision(f: Matrix): Vector {
        const out: number[] = [];
        for (let i = 0; i < f.shape[0]; i++) {
          let s = 0;
          for (let j = 0; j < p; j++) {
            const v = f.data[f.offset + i * f.stride[0] + j * f.stride[1]];
            s += (v - minus[j]) ** 2 - (v - plus[j]) ** 2;
          }
          out.push(s);
        }
        return fromArray(out);
      },
    };
  },
};

describe('evaluateDownstream with a probe', () => {
  const halfspace = taskSuite(key(82), { kind: 'halfspace' }, gt, 1).tasks[0];
  const setup = { features: identity, task: halfspace, gt, nTrain: 150, nTest: 400 };

  it('gives bit for bit the results of the linear-only formula by default', () => {
    const k = key(83);
    for (const probeOpts of [undefined, { l2: 1e-2 }, { kind: 'ridge' as const, l2: 1e-2 }]) {
      const s = probeOpts === undefined ? setup : { ...setup, probe: probeOpts };
      const res = evaluateDownstream(k, s);
      // Today's formula: [train, test] = split(key), fitLinearProbe on the train sample.
      const [train, test] = split(k);
      const a = sampleTask(train, halfspace, gt, { kind: 'gaussian' }, 150);
      const b = sampleTask(test, halfspace, gt, { kind: 'gaussian' }, 400);
      const probe = fitLinearProbe(a.x, a.y, probeOpts);
      expect(res.testAccuracy).toBe(score(probe, b.x, b.y));
      expect(res.trainAccuracy).toBe(score(probe, a.x, a.y));
      expect(res.probe).toEqual(probe);
      expect([res.converged, res.iterations, res.gradNorm]).toEqual([
        probe.converged,
        probe.iterations,
        probe.gradNorm,
      ]);
      // linearProbe(opts) as a Probe gives the same again.
      const viaProbe = evaluateDownstream(k, { ...setup, probe: linearProbe(probeOpts) });
      expect(viaProbe.probe).toEqual(probe);
      expect(viaProbe.testAccuracy).toBe(res.testAccuracy);
    }
  });

  it('runs a user-written probe (nearest centroid) through the same interface', () => {
    let seenKey: unknown;
    const spy: Probe = {
      name: 'spy',
      fit: (k, x, y) => {
        seenKey = k;
        return nearestCentroid.fit(k, x, y);
      },
    };
    const res = evaluateDownstream(key(84), { ...setup, probe: spy });
    expect(seenKey).toEqual(split(key(84), 3)[2]);
    expect(res.keys.probe).toEqual(seenKey);
    // The centroid direction of a halfspace through 0 is its normal: close to the best rule.
    expect(res.testAccuracy).toBeGreaterThan(0.85); // measured 0.918
    expect(res.converged).toBe(true);
    expect(res.iterations).toBe(0);
    expect(res.gradNorm).toBeNaN();
    const bad: Probe = { name: 'bad', fit: () => ({}) as Predictor };
    expect(() => evaluateDownstream(key(84), { ...setup, probe: bad })).toThrow(
      /evaluateDownstream: setup.probe.fit must return a Predictor/,
    );
  });

  it('works with the per-task randomness of a custom family, on both samplers', () => {
    const suite = taskSuite(key(85), tilted, gt, 3);
    const m = 48;
    const phi = featureMap(key(86), initLayer(key(87), { d, m }));
    const results = suite.tasks.map((task) =>
      evaluateDownstream(key(88), {
        features: phi,
        task,
        gt,
        nTrain: 200,
        nTest: 400,
        probe: kernelRidgeProbe({ l2: 1e-2 }),
      }),
    );
    // Same key, different tasks: the labels (and so the positive rates) differ.
    const rates = results.map((r) => r.testPositiveRate);
    expect(new Set(rates).size).toBe(3);
    for (const r of results) {
      expect(r.probe.kind).toBe('kernel-ridge');
      expect(r.trainAccuracy).toBeGreaterThan(r.testAccuracy - 0.01);
      expect(r.testAccuracy).toBeGreaterThan(0.65); // measured 0.725, 0.883, 0.770
    }
    const projected = evaluateDownstream(key(88), {
      features: phi,
      task: suite.tasks[1],
      gt,
      nTrain: 200,
      nTest: 400,
      sampler: 'projected',
    });
    const again = evaluateDownstream(key(88), {
      features: phi,
      task: taskSuite(key(85), tilted, gt, 3).tasks[1],
      gt,
      nTrain: 200,
      nTest: 400,
      sampler: 'projected',
    });
    expect(again.testAccuracy).toBe(projected.testAccuracy);
    expect(again.testPositiveRate).toBe(projected.testPositiveRate);
  });
});
