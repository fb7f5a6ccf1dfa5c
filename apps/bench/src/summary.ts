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

/** A mean and standard error as results.jsonl carries them (NaN arrives as null). */
interface MeanStderr {
  readonly mean: number | null;
  readonly stderr: number | null;
}

/** What the sweep summary reads of one recorded point. */
export interface SweepSummaryRecord {
  readonly point: Readonly<Record<string, unknown>>;
  readonly result: {
    readonly seeds: readonly number[];
    readonly summary: readonly {
      readonly method: string;
      readonly energy: MeanStderr;
      readonly coverage: MeanStderr;
      readonly downstream: Readonly<Record<string, MeanStderr>>;
    }[];
  };
}

/** The grid axes of `records` in first-seen order (for a sweep whose axes are not given). */
export function axesOf(records: readonly SweepSummaryRecord[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r.point)))];
}

/** A grid value as a cell: strings and numbers as they are, anything else as JSON. */
function axisCell(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : JSON.stringify(v ?? null);
}

/** A number as a CSV cell: empty for NaN or null (the standard error of one seed). */
const numCell = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : '';

/**
 * The text of a sweep's `summary.csv`: one row per point, method and downstream task, with one
 * column per grid axis (named by its config path, holding the point's value), the number of
 * seeds, and the mean and standard error over seeds of the energy, coverage and test accuracy
 * (the standard error is empty for one seed).
 */
export function sweepSummaryCsv(
  records: readonly SweepSummaryRecord[],
  axes: readonly string[] = axesOf(records),
): string {
  const header = [
    ...axes,
    'method',
    'n_seeds',
    'energy',
    'energy_stderr',
    'coverage',
    'coverage_stderr',
    'task',
    'accuracy',
    'accuracy_stderr',
  ];
  const rows = [header.map(csvCell).join(',')];
  for (const r of records) {
    const at = axes.map((a) => axisCell(r.point[a]));
    for (const s of r.result.summary)
      for (const [task, acc] of Object.entries(s.downstream))
        rows.push(
          [
            ...at,
            s.method,
            r.result.seeds.length,
            numCell(s.energy.mean),
            numCell(s.energy.stderr),
            numCell(s.coverage.mean),
            numCell(s.coverage.stderr),
            task,
            numCell(acc.mean),
            numCell(acc.stderr),
          ]
            .map(csvCell)
            .join(','),
        );
  }
  return `${rows.join('\n')}\n`;
}

/**
 * The summary table printed at the end of a sweep: one row per recorded point, with the grid
 * axes' values, the number of seeds and, per method, the mean energy and downstream test
 * accuracy of each task, each with its standard error over seeds when there are several.
 */
export function formatSweepTable(
  records: readonly SweepSummaryRecord[],
  axes: readonly string[] = axesOf(records),
): string {
  const methods = [...new Set(records.flatMap((r) => r.result.summary.map((s) => s.method)))];
  const tasks = [
    ...new Set(records.flatMap((r) => r.result.summary.flatMap((s) => Object.keys(s.downstream)))),
  ];
  const columns = methods.flatMap((m) => [
    { method: m, label: `${m} energy`, task: undefined as string | undefined },
    ...tasks.map((t) => ({ method: m, label: `${m} acc ${t}`, task: t as string | undefined })),
  ]);
  const fmt = (v: MeanStderr | undefined, seeds: number) => {
    if (v === undefined) return '-';
    if (typeof v.mean !== 'number' || !Number.isFinite(v.mean)) return 'n/a';
    const se = v.stderr;
    return seeds > 1 && typeof se === 'number' && Number.isFinite(se)
      ? `${v.mean.toFixed(3)} ± ${se.toFixed(3)}`
      : v.mean.toFixed(3);
  };
  const header = [...axes, 'seeds', ...columns.map((c) => c.label)];
  const rows = records.map((r) => {
    const n = r.result.seeds.length;
    return [
      ...axes.map((a) => axisCell(r.point[a])),
      String(n),
      ...columns.map((c) => {
        const s = r.result.summary.find((x) => x.method === c.method);
        return fmt(c.task === undefined ? s?.energy : s?.downstream[c.task], n);
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
