import { meanStderr } from '@mtrl/probes';
import type { StudyConfig } from './config.js';
import { trainMethod } from './methods.js';
import type { Progress } from './progress.js';
import { downstreamAccuracy, type LayerProbes, probeLayer, seedContext } from './setting.js';

/** One method on one seed of a study. */
export interface MethodRun {
  readonly method: string;
  readonly seed: number;
  readonly probes: LayerProbes;
  readonly downstream: Readonly<
    Record<string, { testAccuracy: number; trainAccuracy: number; converged: boolean }>
  >;
  readonly seconds: number;
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
      runs.push({
        method,
        seed,
        probes: probeLayer(trained.layer, ctx.gt),
        downstream: downstreamAccuracy(trained.features, ctx, cfg),
        seconds: (performance.now() - t0) / 1000,
      });
      progress.tick(1, `${method} seed ${seed}`);
      // Let a pending Ctrl-C reach its handler between methods.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress.stop();
  return { name: cfg.name, seeds, runs, summary: summarizeRuns(runs, cfg), completed };
}

function summarizeRuns(runs: readonly MethodRun[], cfg: StudyConfig): MethodSummary[] {
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
  const rows = res.summary.map((s) => [
    s.method,
    fmt(s.energy),
    fmt(s.coverage),
    ...tasks.map((t) => fmt(s.downstream[t])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const g = cfg.groundTruth;
  const p = cfg.pretrain;
  return [
    `${cfg.name}: d=${g.d} r=${g.r} T=${p.T} m=${p.m} n1=${p.n1} n2=${p.n2} eta=${p.eta} rounds=${p.rounds}, seeds ${res.seeds.join(', ')} (random init energy ~ r/d = ${(g.r / g.d).toFixed(3)})`,
    line(header),
    ...rows.map(line),
    ...(res.completed ? [] : ['(interrupted: partial results)']),
  ].join('\n');
}
