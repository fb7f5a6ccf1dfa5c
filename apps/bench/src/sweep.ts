import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStudy, type StudyConfig } from './config.js';
import { type GridAxis, gridPoints, pointId, setPath } from './overrides.js';
import type { Progress } from './progress.js';

/** One finished grid point, as one line of `results.jsonl`. */
export interface SweepRecord<R> {
  readonly id: string;
  readonly point: Record<string, unknown>;
  readonly config: StudyConfig;
  readonly result: R;
}

/** Inputs of {@link runSweep}. */
export interface SweepOptions<R> {
  /** The base config as parsed from the file, before validation. */
  readonly base: unknown;
  readonly source: string;
  readonly axes: readonly GridAxis[];
  readonly outDir: string;
  /** Runs one point; returns undefined when interrupted (the point is then not recorded). */
  readonly runPoint: (config: StudyConfig, signal: AbortSignal) => Promise<R | undefined>;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  readonly validate?: (c: StudyConfig) => string[];
}

/** Reads the finished records of a sweep directory; a torn last line (from a crash) is ignored. */
export function readSweepRecords<R>(outDir: string): SweepRecord<R>[] {
  const file = join(outDir, 'results.jsonl');
  if (!existsSync(file)) return [];
  const out: SweepRecord<R>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as SweepRecord<R>);
    } catch {
      // An interrupted write leaves at most one partial line; it is re-run.
    }
  }
  return out;
}

/**
 * Runs the cartesian product of `axes` over a base config, appending each finished point to
 * `outDir/results.jsonl` as soon as it is done. Points already in the file are skipped, so an
 * interrupted sweep resumes where it stopped and gives the same records as an uninterrupted one.
 * Every point's config is validated before anything runs.
 *
 * @returns the records of all finished points, in grid order, and whether the sweep completed
 */
export async function runSweep<R>(
  opts: SweepOptions<R>,
): Promise<{ records: SweepRecord<R>[]; completed: boolean }> {
  const points = gridPoints(opts.axes);
  const configs = points.map((p) => {
    let raw = opts.base;
    for (const [path, value] of Object.entries(p)) raw = setPath(raw, path, value);
    return parseStudy(raw, `${opts.source} with ${JSON.stringify(p)}`, opts.validate);
  });
  mkdirSync(opts.outDir, { recursive: true });
  const file = join(opts.outDir, 'results.jsonl');
  // A crash mid-write leaves a torn last line; end it so the next record starts on its own line.
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  }
  const done = new Map(readSweepRecords<R>(opts.outDir).map((r) => [r.id, r]));
  const todo = points.map((p, i) => ({ p, i, id: pointId(p) })).filter(({ id }) => !done.has(id));
  opts.progress.start('sweep', points.length);
  opts.progress.tick(points.length - todo.length, `${points.length - todo.length} already done`);
  let completed = true;
  for (const { p, i, id } of todo) {
    if (opts.signal.aborted) {
      completed = false;
      break;
    }
    const result = await opts.runPoint(configs[i], opts.signal);
    if (result === undefined) {
      completed = false;
      break;
    }
    const record: SweepRecord<R> = { id, point: p, config: configs[i], result };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
    done.set(id, record);
    opts.progress.tick(1, JSON.stringify(p));
  }
  opts.progress.stop();
  const records = points
    .map((p) => done.get(pointId(p)))
    .filter((r): r is SweepRecord<R> => r !== undefined);
  return { records, completed };
}
