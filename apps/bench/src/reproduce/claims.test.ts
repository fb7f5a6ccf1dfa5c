import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '../progress.js';
import type { Measurement } from '../summary.js';
import { type Claim, claimLines, judgeClaims } from './claims.js';
import { COMPARED } from './experiments.js';
import { reproduce } from './run.js';
import { type Control, type ReproduceSize, SIZES } from './sizes.js';

const quick = SIZES.quick;
const SEEDS = [0, 1, 2];

/** A deterministic stream in [0, 1) for the synthetic measurements (mulberry32). */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Measurements shaped like a healthy reproduction at the quick size: energy and cos θ_r rise
 * from their random-initialisation values, multi-task accuracy is high and flat in d, random
 * features fall with d, one task learns one direction. Small seed-to-seed noise.
 */
function healthy(size: ReproduceSize = quick): Measurement[] {
  const rand = stream(7);
  const noise = (s: number) => (rand() - 0.5) * 2 * s;
  const out: Measurement[] = [];
  const Tmax = Math.max(...size.tasks.Ts);
  for (const seed of SEEDS) {
    for (const d of size.tasks.ds)
      for (const T of [0, ...size.tasks.Ts]) {
        const trained = T === 0 ? 0 : T === 1 ? 0.3 : T === Tmax ? 1 : 0.6;
        const values = {
          energy: T === 0 ? size.r / d + noise(0.003) : 0.3 + 0.6 * trained + noise(0.01),
          coverage: T === 0 ? 0.8 + noise(0.02) : T === 1 ? 0.05 + noise(0.01) : 0.65 + noise(0.02),
          'angle-cos': T === 0 ? 0.03 + noise(0.01) : T === 1 ? 0.05 : 0.95 + noise(0.01),
        };
        for (const [metric, value] of Object.entries(values))
          out.push({ experiment: 'energy-vs-tasks', method: `d=${d}`, x: T, metric, seed, value });
      }
    for (const d of size.dims.ds) {
      const fall = Math.log2(d / size.dims.ds[0]) * 0.08;
      const acc: Record<string, Record<string, number>> = {
        multiTask: { halfspace: 0.95, xor: 0.84 },
        randomFeatures: { halfspace: 0.85 - fall, xor: 0.6 - fall / 2 },
        singleTask: { halfspace: 0.9, xor: 0.55 },
        oracle: { halfspace: 0.97, xor: 0.95 },
        methodOfMoments: { halfspace: 0.96, xor: 0.9 },
        'majority-class': { halfspace: 0.51, xor: 0.5 },
      };
      for (const [method, tasks] of Object.entries(acc))
        for (const [metric, value] of Object.entries(tasks))
          out.push({
            experiment: 'accuracy-vs-d',
            method,
            x: d,
            metric,
            seed,
            value: value + noise(0.01),
          });
    }
  }
  return out;
}

const ACCURACY_TASKS = new Set(['halfspace', 'xor']);
const isAccuracy = (m: Measurement) =>
  m.experiment === 'accuracy-vs-d' && ACCURACY_TASKS.has(m.metric) && m.method !== 'majority-class';

const verdicts = (claims: readonly Claim[]) =>
  Object.fromEntries(claims.map((c) => [c.id, c.held]));

describe('judgeClaims', () => {
  it('holds every claim on healthy measurements, each with its checks', () => {
    const claims = judgeClaims(quick, healthy());
    expect(verdicts(claims)).toEqual({
      energy: true,
      coverage: true,
      'downstream-vs-d': true,
      'random-features': true,
      'single-task': true,
    });
    for (const c of claims) {
      expect(c.checks.length).toBeGreaterThan(0);
      for (const k of c.checks) {
        expect(Object.keys(k).sort()).toEqual([
          'baseline',
          'held',
          'name',
          'se',
          'threshold',
          'value',
        ]);
        expect(k.held).toBe(true);
        expect(k.se).toBeGreaterThanOrEqual(0);
      }
    }
    // Every tested d is judged, not just the ends.
    const down = claims.find((c) => c.id === 'downstream-vs-d');
    for (const d of quick.dims.ds)
      expect(down?.checks.some((k) => k.name.endsWith(`d=${d}`) && k.name.startsWith('xor'))).toBe(
        true,
      );
  });

  it('fails every claim on an untrained network (trained values replaced by the initial ones)', () => {
    const ms = healthy();
    const init = (m: Measurement) =>
      ms.find(
        (o) =>
          o.experiment === m.experiment &&
          o.method === m.method &&
          o.x === 0 &&
          o.metric === m.metric &&
          o.seed === m.seed,
      );
    const rf = (m: Measurement) =>
      ms.find(
        (o) =>
          o.experiment === m.experiment &&
          o.method === 'randomFeatures' &&
          o.x === m.x &&
          o.metric === m.metric &&
          o.seed === m.seed,
      );
    const untrained = ms.map((m) => {
      if (m.experiment === 'energy-vs-tasks') return { ...m, value: init(m)?.value ?? Number.NaN };
      if (isAccuracy(m) && (m.method === 'multiTask' || m.method === 'singleTask'))
        return { ...m, value: rf(m)?.value ?? Number.NaN };
      return m;
    });
    expect(Object.values(verdicts(judgeClaims(quick, untrained)))).toEqual(Array(5).fill(false));
  });

  it('fails every accuracy claim on chance-level accuracies (coin-flip predictions on 2000 test points)', () => {
    const rand = stream(11);
    const coin = () => {
      let hits = 0;
      for (let i = 0; i < quick.dims.nTest; i++) if (rand() < 0.5) hits++;
      return hits / quick.dims.nTest;
    };
    const chance = healthy().map((m) => (isAccuracy(m) ? { ...m, value: coin() } : m));
    const v = verdicts(judgeClaims(quick, chance));
    expect([v['downstream-vs-d'], v['random-features'], v['single-task']]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('fails when multi-task accuracy only matches the majority rate of unbalanced test sets', () => {
    const ms = healthy().map((m) =>
      m.method === 'majority-class' && m.metric === 'xor' ? { ...m, value: 0.83 } : m,
    );
    const down = judgeClaims(quick, ms).find((c) => c.id === 'downstream-vs-d');
    expect(down?.held).toBe(false);
    expect(down?.checks.filter((k) => k.held === false).map((k) => k.name)).toHaveLength(
      quick.dims.ds.length,
    );
  });

  it('needs a gap beyond 2 standard errors, not just a mean above the margin', () => {
    // Multi-task beats random features by 0.12 on average, but by 0.5 on one seed and -0.07 on
    // the others: the paired standard error is too large for the gap to count.
    const ms = healthy().map((m) => {
      if (m.method !== 'multiTask' || m.x !== 256 || m.experiment !== 'accuracy-vs-d') return m;
      if (m.metric !== 'halfspace') return m;
      const rfHalfspace = 0.85 - Math.log2(256 / 32) * 0.08;
      return { ...m, value: rfHalfspace + (m.seed === 0 ? 0.5 : -0.07) };
    });
    const rf = judgeClaims(quick, ms).find((c) => c.id === 'random-features');
    const gap = rf?.checks.find((k) => k.name.startsWith('halfspace: multi-task - random'));
    expect(gap?.value).toBeGreaterThan(0.1);
    expect(gap?.held).toBe(false);
  });

  it('says "not measured", never FAILED, for claims whose measurements are missing', () => {
    const partial = healthy().filter((m) => m.experiment !== 'accuracy-vs-d' || m.x !== 256);
    const claims = judgeClaims(quick, partial);
    expect(verdicts(claims)).toMatchObject({
      energy: true,
      coverage: true,
      'downstream-vs-d': null,
      'random-features': null,
    });
    expect(claimLines(claims).join('\n')).toMatch(/not measured +downstream-vs-d/);
    expect(claimLines(claims).join('\n')).not.toMatch(/FAILED/);
  });
});

describe('negative controls of reproduce, measured', () => {
  // A reduced quick size: 2 seeds, the quick dimensions; every claim must fail.
  const size: ReproduceSize = {
    ...quick,
    tasks: { ds: [64], Ts: [1, 16], m: 64 },
    dims: { ...quick.dims, ds: [32, 64], T: 16, m: 64, nTest: 1000 },
    complexity: { d: 64, nTrains: [], ms: [] },
    collapse: { ...quick.collapse, rounds: 2 },
  };
  for (const control of ['untrained', 'shuffled-labels'] as Control[])
    it(`fails every claim under --control ${control}`, { timeout: 600_000 }, async () => {
      const res = await reproduce(
        { ...size, control },
        {
          outDir: mkdtempSync(join(tmpdir(), `mtrl-control-${control}-`)),
          seeds: 2,
          progress: silentProgress,
          signal: new AbortController().signal,
          meta: {},
          jobs: 2,
        },
      );
      expect(res.completed).toBe(true);
      expect(COMPARED).toContain('multiTask');
      expect(verdicts(res.claims)).toEqual({
        energy: false,
        coverage: false,
        'downstream-vs-d': false,
        'random-features': false,
        'single-task': false,
      });
    });
});
