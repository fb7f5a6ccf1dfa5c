import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subspaceAngles } from '@mtrl/probes';
import { describe, expect, it } from 'vitest';
import { trainMethod } from '../methods.js';
import { silentProgress } from '../progress.js';
import { seedContext } from '../setting.js';
import {
  angleCosByGram,
  COMPARED,
  GRAM_ANGLES_ABOVE_D,
  pointConfig,
  type Unit,
  unitCost,
  unitStudy,
  unitsOfSeed,
} from './experiments.js';
import { reproduce } from './run.js';
import { type ReproduceSize, SIZES } from './sizes.js';

const wide = SIZES.wide;

/** The d of a unit (collapse: the size's collapse d). */
const dOf = (size: ReproduceSize, u: Unit): number =>
  u.kind === 'collapse' ? size.collapse.d : u.d;

/**
 * `wide` scaled down to seconds: the same samplers, per-d scaling and method-of-moments cut-off
 * (at d = 32 here), at d up to 256 with r = 2 and small widths.
 */
const wideTiny: ReproduceSize = {
  ...wide,
  seeds: 1,
  r: 2,
  tasks: { ds: [16, 256], Ts: [1, 16], m: 32, nPerD: 8, etaPerD: 16 },
  dims: {
    ds: [16, 256],
    T: 16,
    m: 32,
    nPerD: 8,
    etaPerD: 16,
    nTrain: 100,
    nTest: 400,
    explicitMaxD: 32,
  },
  complexity: { d: 256, nTrains: [25, 100], ms: [8, 32] },
  collapse: { d: 16, T: 4, m: 16, rounds: 3, eta: 1000 },
  phase: { ds: [64, 256], Ts: [2, 8], ns: [64, 256], m: 16, etaPerD: 16 },
};

/** Every unit's pretraining and downstream sampler, and the methods of experiment 2 per d. */
function plan(size: ReproduceSize) {
  const units = unitsOfSeed(size, 0);
  return units.map((u) => {
    const cfg = unitStudy(size, u);
    return {
      u,
      d: dOf(size, u),
      pretrain: cfg.pretrain.sampler ?? 'explicit',
      downstream: cfg.downstream.sampler ?? 'explicit',
      method: u.kind === 'dims' ? u.method : undefined,
    };
  });
}

describe('reproduce --size wide', () => {
  it('pretrains and evaluates with the projected sampler at every d, out to 65536', () => {
    const units = plan(wide);
    const explicitMaxD = wide.dims.explicitMaxD ?? 0;
    // Every unit asks for the projected sampler; only the method of moments (which samples in
    // R^d whatever the config says) is explicit, and it runs only at d <= 1024.
    for (const p of units) {
      expect(p.pretrain, JSON.stringify(p.u)).toBe('projected');
      expect(p.downstream, JSON.stringify(p.u)).toBe('projected');
      if (p.method === 'methodOfMoments') expect(p.d).toBeLessThanOrEqual(explicitMaxD);
    }
    const large = units.filter((p) => p.d > explicitMaxD);
    expect(large.length).toBeGreaterThan(0);
    expect(large.some((p) => p.method === 'methodOfMoments')).toBe(false);
    // Experiments 1 and 2 and the phase diagram reach d = 65536; experiment 3 runs at 16384,
    // one of experiment 2's d.
    expect(Math.max(...wide.tasks.ds)).toBe(65536);
    expect(Math.max(...wide.dims.ds)).toBe(65536);
    expect(wide.complexity.d).toBe(16384);
    expect(wide.dims.ds).toContain(wide.complexity.d);
    expect(Math.max(...wide.phase.ds)).toBe(65536);
    // The other methods of the claims run at every d of experiment 2.
    for (const d of wide.dims.ds)
      for (const method of COMPARED.filter((m) => m !== 'methodOfMoments'))
        expect(units.some((p) => p.d === d && p.method === method)).toBe(true);
    // Experiment 1 scales n and eta with d, as experiment 2 does: T n^2 / d^2 the same at every d.
    const energy = units.filter((p) => p.u.kind === 'energy' && p.u.T === 64);
    for (const p of energy) {
      const cfg = unitStudy(wide, p.u);
      expect(cfg.pretrain.n1).toBe(2 * p.d);
      expect(cfg.pretrain.eta).toBe(16 * p.d);
    }
    // The phase diagram's step grows with d too, so its gains depend on T n^2 / d^2 alone.
    for (const p of units.filter((q) => q.u.kind === 'phase'))
      expect(unitStudy(wide, p.u).pretrain.eta).toBe(16 * p.d);
    // The longest unit is pretraining at d = 65536, and it is priced in k = m + r coordinates.
    const costs = units.map((p) => unitCost(wide, p.u));
    expect(units[costs.indexOf(Math.max(...costs))].d).toBe(65536);
    expect(Math.max(...costs)).toBeLessThan(1e13);
  });

  it('leaves quick and paper explicit', () => {
    for (const size of [SIZES.tiny, SIZES.quick, SIZES.paper]) {
      expect(size.sampler).toBeUndefined();
      for (const u of unitsOfSeed(size, 0)) {
        const cfg = unitStudy(size, u);
        expect(cfg.pretrain.sampler).toBeUndefined();
        expect(cfg.downstream.sampler).toBeUndefined();
      }
    }
  });

  it('holds every claim on a tiny variant and says what it did not run', {
    timeout: 60_000,
  }, async () => {
    const plans = plan(wideTiny);
    for (const p of plans) expect([p.pretrain, p.downstream]).toEqual(['projected', 'projected']);
    expect(plans.filter((p) => p.method === 'methodOfMoments').map((p) => p.d)).toEqual([16]);
    const dir = mkdtempSync(join(tmpdir(), 'mtrl-wide-'));
    const res = await reproduce(wideTiny, {
      outDir: dir,
      seeds: 1,
      progress: silentProgress,
      signal: new AbortController().signal,
      meta: {},
    });
    expect(res.completed).toBe(true);
    const verdicts = Object.fromEntries(res.claims.map((c) => [c.id, c.held]));
    for (const [id, held] of Object.entries(verdicts)) expect([true, null], id).toContain(held);
    expect(res.peakRssBytes).toBeGreaterThan(0);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toMatch(/## Samplers/);
    expect(report).toMatch(/\*\*not run\*\* at d = 256/);
    expect(report).toMatch(/peak RSS \d+\.\d\d GiB/);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).peakRssBytes).toBe(
      res.peakRssBytes,
    );
  });

  it('computes cos θ_r through the Gram matrix as subspaceAngles does', () => {
    // Above every d of quick and paper, so their figures are computed as before.
    expect(Math.max(...SIZES.paper.tasks.ds, ...SIZES.paper.phase.ds)).toBeLessThanOrEqual(
      GRAM_ANGLES_ABOVE_D,
    );
    const cfg = pointConfig(wideTiny, 300, 16, 24, { n1: 2400, n2: 2400, eta: 4800 });
    const ctx = seedContext(cfg, 3);
    for (const method of ['randomFeatures', 'multiTask', 'singleTask']) {
      const { w } = trainMethod(method, ctx, cfg).layer;
      const direct = Math.cos(Math.max(...subspaceAngles(w, ctx.gt)));
      expect(angleCosByGram(w, ctx.gt), method).toBeCloseTo(direct, 7);
    }
  });
});
