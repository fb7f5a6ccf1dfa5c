import { meanStderr } from '@mtrl/probes';

/** One measured value: which experiment, method, x position, metric and seed it belongs to. */
export interface Measurement {
  readonly experiment: string;
  readonly method: string;
  readonly x: number;
  readonly metric: string;
  readonly seed: number;
  readonly value: number;
}

/** Mean and standard error of the measurements sharing (experiment, method, x, metric). */
export interface SummaryPoint {
  readonly experiment: string;
  readonly method: string;
  readonly x: number;
  readonly metric: string;
  readonly mean: number;
  /** Standard error of the mean (0 for a single seed). */
  readonly stderr: number;
  readonly n: number;
}

/** Groups measurements by (experiment, method, x, metric), in first-seen order. */
export function summarize(ms: readonly Measurement[]): SummaryPoint[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of ms) {
    const k = JSON.stringify([m.experiment, m.method, m.x, m.metric]);
    const g = groups.get(k);
    if (g) g.push(m);
    else groups.set(k, [m]);
  }
  return [...groups.values()].map((g) => {
    const { mean, stderr } = meanStderr(g.map((m) => m.value));
    const { experiment, method, x, metric } = g[0];
    return { experiment, method, x, metric, mean, stderr, n: g.length };
  });
}

/** Looks up one summary point (undefined if missing). */
export function pick(
  points: readonly SummaryPoint[],
  q: { experiment: string; method: string; metric: string; x?: number },
): SummaryPoint | undefined {
  return points.find(
    (p) =>
      p.experiment === q.experiment &&
      p.method === q.method &&
      p.metric === q.metric &&
      (q.x === undefined || p.x === q.x),
  );
}

/** CSV text of measurements (one row per seed), with a header. */
export function toCsv(ms: readonly Measurement[]): string {
  const rows = ['experiment,method,x,metric,seed,value'];
  for (const m of ms)
    rows.push([m.experiment, m.method, m.x, m.metric, m.seed, m.value].map(csvCell).join(','));
  return `${rows.join('\n')}\n`;
}

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
