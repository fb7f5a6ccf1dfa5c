import { UNBALANCED_LABELS } from '@mtrl/pretrain';
import { meanStderr } from '@mtrl/probes';
import type { StudyConfig } from './config.js';
import { trainMethod } from './methods.js';
import type { Progress } from './progress.js';
import {
  type DownstreamScore,
  downstreamAccuracy,
  type LayerProbes,
  probeLayer,
  seedContext,
} from './setting.js';

/** One method on one seed of a study. */
export interface MethodRun {
  readonly method: string;
  readonly seed: number;
  readonly probes: LayerProbes;
  readonly downstream: Readonly<Record<string, DownstreamScore>>;
  readonly seconds: number;
  /**
   * How the method's pretraining ended: `completed`, or `diverged` (its numbers are then not
   * meaningful; see `divergence`); `n/a` for methods that do not pretrain (random features
   * are the initial layer, the oracle and the method of moments have no rounds).
   */
  readonly status: 'completed' | 'diverged' | 'stopped' | 'aborted' | 'n/a';
  readonly divergence?: { readonly round: number; readonly reason: string };
  /** Mean over tasks of |mean raw label| in the first round (label balance of the suite). */
  readonly labelBalance?: number;
}

/** Mean and standard error over seeds of each method's headline numbers. */
export interface MethodSummary {
  readonly method: string;
  readonly energy: { mean: number; stderr: number };
  readonly coverage: { mean: number; stderr: number };
  readonly downstream: Readonly<Record<string, { mean: number; stderr: number }>>;
}

/** The result of `mtrl-bench run`. */
export interface StudyResult {
  readonly name: string;
  readonly seeds: readonly number[];
  readonly runs: readonly MethodRun[];
  readonly summary: readonly MethodSummary[];
  /** False when interrupted: `runs` holds what finished. */
  readonly completed: boolean;
  /** Whether pretraining centred the labels (`pretrain.centerLabels`). */
  readonly centerLabels: boolean;
}

/**
 * Runs a study: for each seed, every method is trained on the same ground truth and tasks,
 * probed, and evaluated downstream with the same probe features and samples.
 */
export async function runStudy(
  cfg: StudyConfig,
  progress: Progress,
  signal: AbortSignal,
): Promise<StudyResult> {
  const seeds = Array.from({ length: cfg.seeds }, (_, i) => cfg.seed + i);
  const runs: MethodRun[] = [];
  progress.start(cfg.name, seeds.length * cfg.methods.length);
  let completed = true;
  outer: for (const seed of seeds) {
    const ctx = seedContext(cfg, seed);
    for (const method of cfg.methods) {
      if (signal.aborted) {
        completed = false;
        break outer;
      }
      const t0 = performance.now();
      const trained = trainMethod(method, ctx, cfg);
      const pre = trained.pretrain;
      const balance = pre?.history.find((e) => e.labelBalance !== undefined)?.labelBalance;
      const diverged = pre?.status === 'diverged';
      runs.push({
        method,
        seed,
        // A diverged layer has non-finite weights: nothing can be probed on it.
        probes: diverged ? unmeasured(ctx.gt.m.shape[0]) : probeLayer(trained.layer, ctx.gt),
        downstream: diverged
          ? unmeasuredDownstream(cfg)
          : downstreamAccuracy(trained.features, ctx, cfg),
        seconds: (performance.now() - t0) / 1000,
        status: pre?.status ?? 'n/a',
        ...(pre?.divergence ? { divergence: pre.divergence } : {}),
        ...(balance === undefined ? {} : { labelBalance: balance }),
      });
      if (diverged)
        progress.log(
          `${method} seed ${seed}: DIVERGED in round ${pre?.divergence?.round} (${pre?.divergence?.reason}); lower eta or alpha, or change the loss`,
        );
      progress.tick(1, `${method} seed ${seed}`);
      // Let a pending Ctrl-C reach its handler between methods.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress.stop();
  return {
    name: cfg.name,
    seeds,
    runs,
    summary: summarizeRuns(runs, cfg),
    completed,
    centerLabels: cfg.pretrain.centerLabels,
  };
}

/** Probes of a layer that could not be measured (NaN everywhere). */
function unmeasured(r: number): LayerProbes {
  return {
    energy: Number.NaN,
    coverage: Number.NaN,
    effectiveRank: Number.NaN,
    singularValues: Array(r).fill(Number.NaN),
    anglesDeg: Array(r).fill(Number.NaN),
  };
}

function unmeasuredDownstream(cfg: StudyConfig): Record<string, DownstreamScore> {
  const nan = Number.NaN;
  return Object.fromEntries(
    cfg.downstream.tasks.map((t) => [
      t.name,
      { testAccuracy: nan, trainAccuracy: nan, converged: false, majorityRate: nan },
    ]),
  );
}

/** The summary of `runs`: per method, mean and standard error over seeds (also checks recorded results). */
export function summarizeRuns(runs: readonly MethodRun[], cfg: StudyConfig): MethodSummary[] {
  return cfg.methods
    .filter((method) => runs.some((r) => r.method === method))
    .map((method) => {
      const rs = runs.filter((r) => r.method === method);
      const downstream: Record<string, { mean: number; stderr: number }> = {};
      for (const t of cfg.downstream.tasks)
        downstream[t.name] = meanStderr(rs.map((r) => r.downstream[t.name].testAccuracy));
      return {
        method,
        energy: meanStderr(rs.map((r) => r.probes.energy)),
        coverage: meanStderr(rs.map((r) => r.probes.coverage)),
        downstream,
      };
    });
}

/** The summary as an aligned text table. */
export function formatStudy(res: StudyResult, cfg: StudyConfig): string {
  const tasks = cfg.downstream.tasks.map((t) => t.name);
  const header = ['method', 'energy', 'coverage', ...tasks.map((t) => `acc ${t}`)];
  const fmt = (v: { mean: number; stderr: number }) =>
    res.seeds.length > 1 ? `${v.mean.toFixed(3)} ± ${v.stderr.toFixed(3)}` : v.mean.toFixed(3);
  const diverged = new Set(res.runs.filter((r) => r.status === 'diverged').map((r) => r.method));
  const rows = res.summary.map((s) => [
    diverged.has(s.method) ? `${s.method} (DIVERGED)` : s.method,
    fmt(s.energy),
    fmt(s.coverage),
    ...tasks.map((t) => fmt(s.downstream[t])),
  ]);
  // The majority-class rate of each test set (the same samples for every method of a seed).
  const firstMethod = res.runs[0]?.method;
  const majority = tasks.map((t) =>
    meanStderr(
      res.runs.filter((r) => r.method === firstMethod).map((r) => r.downstream[t].majorityRate),
    ),
  );
  if (res.runs.length > 0) rows.push(['(majority class)', '', '', ...majority.map(fmt)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const g = cfg.groundTruth;
  const p = cfg.pretrain;
  return [
    `${cfg.name}: d=${g.d} r=${g.r} T=${p.T} m=${p.m} n1=${p.n1} n2=${p.n2} eta=${p.eta} rounds=${p.rounds}, seeds ${res.seeds.join(', ')} (random init energy ~ r/d = ${(g.r / g.d).toFixed(3)})`,
    line(header),
    ...rows.map(line),
    ...balanceLines(res),
    ...(res.completed ? [] : ['(interrupted: partial results)']),
  ].join('\n');
}

/** The suite's label balance, with a warning when its constant part dominates the update. */
function balanceLines(res: StudyResult): string[] {
  const balances = res.runs.flatMap((r) => (r.labelBalance === undefined ? [] : [r.labelBalance]));
  if (balances.length === 0) return [];
  const mean = balances.reduce((a, b) => a + b, 0) / balances.length;
  const centred = res.centerLabels;
  return [
    `label balance of the pretraining tasks: mean |E y| = ${mean.toFixed(3)}${
      mean > UNBALANCED_LABELS && !centred
        ? ` > ${UNBALANCED_LABELS}: WARNING, unbalanced labels dominate the update and the subspace is usually not recovered; set pretrain.centerLabels: true`
        : mean > UNBALANCED_LABELS
          ? ' (unbalanced; labels centred within each sample set)'
          : ''
    }`,
  ];
}
