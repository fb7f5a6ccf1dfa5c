import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { studyEstimate } from './budget.js';
import { parseStudy, type StudyConfig } from './config.js';
import type { Software } from './fingerprint.js';
import type { RunMeta } from './meta.js';
import {
  checkGridAxes,
  checkHeld,
  type GridAxis,
  gridPoints,
  pointId,
  setPath,
} from './overrides.js';
import { type Progress, silentProgress } from './progress.js';
import { runStudy, type StudyResult } from './study.js';
import { claimSweepDir } from './sweepDir.js';
import { openSweepLog, type SweepPoint, type SweepRecord } from './sweepLog.js';

export type { SweepPoint, SweepRecord } from './sweepLog.js';
export { readSweepRecords } from './sweepLog.js';

/**
 * What a sweep records per point: the study result and where and with what it ran; from a
 * queue worker, also the id of the job it answers.
 */
export type SweepResult = StudyResult & { readonly meta: RunMeta; readonly job?: string };

/**
 * The points of a sweep: the cartesian product of `axes` applied to the base config, each
 * validated (so a bad value is refused before anything runs) and given its stable id. Each
 * validated config must hold its point's grid values, so a point is never labelled with values
 * it did not run with.
 *
 * @throws {UsageError} for an axis given twice or inside another
 * @throws {ConfigError} naming the point and every bad field
 */
export function planSweep(
  base: unknown,
  source: string,
  axes: readonly GridAxis[],
  validate?: (c: StudyConfig) => string[],
): SweepPoint[] {
  checkGridAxes(axes);
  return gridPoints(axes).map((point) => {
    let raw = base;
    for (const [path, value] of Object.entries(point)) raw = setPath(raw, path, value);
    const where = `${source} with ${JSON.stringify(point)}`;
    const config = parseStudy(raw, where, validate);
    checkHeld(config, point, where, 'the grid');
    return { id: pointId(point), point, config };
  });
}

/**
 * Runs one point of a sweep as a local sweep and a queue worker both do.
 *
 * @returns the result with `meta`, or undefined when interrupted
 */
export async function runSweepPoint(
  config: StudyConfig,
  meta: RunMeta,
  signal: AbortSignal,
): Promise<SweepResult | undefined> {
  const res = await runStudy(config, silentProgress, signal);
  return res.completed ? { ...res, meta } : undefined;
}

/**
 * Runs the points `todo` of a sweep and reports each as it ends, in any order: `done` with its
 * result, `failed` with its error. Resolves when all have ended (true) or when interrupted
 * (false; the points in progress are then not reported).
 */
export type PointRunner<R> = (
  todo: readonly SweepPoint[],
  signal: AbortSignal,
  report: {
    readonly done: (p: SweepPoint, result: R) => void;
    readonly failed: (p: SweepPoint, error: string) => void;
  },
) => Promise<boolean>;

/** A {@link PointRunner} running the points one after the other in this thread with `runPoint`. */
export function sequentialPoints<R>(
  runPoint: (config: StudyConfig, signal: AbortSignal) => Promise<R | undefined>,
): PointRunner<R> {
  return async (todo, signal, report) => {
    for (const p of todo) {
      if (signal.aborted) return false;
      let result: R | undefined;
      try {
        result = await runPoint(p.config, signal);
      } catch (e) {
        report.failed(p, e instanceof Error ? e.message : String(e));
        continue;
      }
      if (result === undefined) return false;
      report.done(p, result);
    }
    return true;
  };
}

/**
 * A {@link PointRunner} running the points on `jobs` worker threads at once (each with the
 * `backend`), the largest first; each result is what {@link runSweepPoint} gives with `meta`,
 * so the records equal those of a sequential sweep except for the timings.
 */
export function parallelPoints(
  jobs: number,
  backend: string,
  meta: RunMeta,
): PointRunner<SweepResult> {
  return async (todo, signal, report) => {
    const { runOnWorkers } = await import('./workerPool.js');
    const work = todo.map((p) => studyEstimate(p.config).flops);
    const outcome = await runOnWorkers<StudyConfig, StudyResult>({
      callerUrl: import.meta.url,
      module: 'sweepWorker',
      workerData: { backend },
      tasks: todo.map((p) => p.config),
      // The longest first, so the last points to finish are short ones.
      order: [...todo.keys()].sort((a, b) => work[b] - work[a] || a - b),
      jobs,
      signal,
      onDone: (i, result) => report.done(todo[i], { ...result, meta }),
      onFailed: (i, e) => report.failed(todo[i], e.message),
    });
    if (outcome.error !== undefined) throw outcome.error;
    return !outcome.aborted;
  };
}

/** Inputs of {@link runSweep}. */
export interface SweepOptions<R> {
  readonly points: readonly SweepPoint[];
  readonly outDir: string;
  /** Runs one point; returns undefined when interrupted (the point is then not recorded). */
  readonly runPoint?: (config: StudyConfig, signal: AbortSignal) => Promise<R | undefined>;
  /** Runs the points instead of `runPoint` (e.g. {@link parallelPoints}). */
  readonly runPoints?: PointRunner<R>;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  /** The base config before the grid: the folder's identity (see `claimSweepDir`). */
  readonly base?: unknown;
  /** This run's software: results of other software in the folder are refused. */
  readonly software?: Software;
  /** Warnings (bad records set aside, failed points), shown even when progress is silent; default: progress.log. */
  readonly warn?: (message: string) => void;
}

/** A point whose study threw: recorded in `failed.jsonl`, not in results.jsonl, and run again by a rerun. */
export interface FailedSweepPoint {
  readonly id: string;
  readonly point: Record<string, unknown>;
  readonly error: string;
}

/** The failures of a sweep folder, one JSON line per failed run of a point. */
export const FAILED_FILE = 'failed.jsonl';

/**
 * Runs the points of a sweep on this machine (one after the other with `runPoint`, or as
 * `runPoints` runs them), appending each finished point to `outDir/results.jsonl` as soon as it
 * is done. Points already in the file are skipped, so an interrupted sweep resumes where it
 * stopped and gives the same records as an uninterrupted one. A point that throws is recorded
 * in `outDir/failed.jsonl` with its error and the others go on; a rerun tries it again. The
 * progress counts points done of the whole grid, with an ETA from the estimated work of the
 * points still to run.
 *
 * @returns the records of all finished points, in grid order, the points that failed, and
 *   whether the sweep ran to its end (false when interrupted)
 * @throws {UsageError} when the folder holds another sweep (see `claimSweepDir`)
 */
export async function runSweep<R>(
  opts: SweepOptions<R>,
): Promise<{ records: SweepRecord<R>[]; completed: boolean; failed: FailedSweepPoint[] }> {
  const warn = opts.warn ?? ((m: string) => opts.progress.log(m));
  if (opts.runPoints === undefined && opts.runPoint === undefined)
    throw new Error('runSweep: give runPoint or runPoints');
  const runPoints = opts.runPoints ?? sequentialPoints(opts.runPoint!);
  const log = openSweepLog<R>(opts.outDir, warn);
  if (opts.base !== undefined)
    claimSweepDir(opts.outDir, opts.base, log, opts.points, opts.software, warn);
  const failed: FailedSweepPoint[] = [];
  const todo = opts.points.filter((p) => !log.has(p.id));
  const total = opts.points.length;
  const work = new Map(todo.map((p) => [p.id, studyEstimate(p.config).flops]));
  opts.progress.start(
    'sweep',
    total,
    [...work.values()].reduce((a, b) => a + b, 0),
  );
  if (todo.length < total)
    opts.progress.tick(total - todo.length, `${total - todo.length} already done`, 0);
  const completed =
    todo.length === 0 ||
    (await runPoints(todo, opts.signal, {
      done: ({ id, point, config }, result) => {
        log.record({ id, point, config, result });
        opts.progress.tick(1, JSON.stringify(point), work.get(id));
      },
      failed: ({ id, point }, error) => {
        failed.push({ id, point, error });
        mkdirSync(opts.outDir, { recursive: true });
        appendFileSync(
          join(opts.outDir, FAILED_FILE),
          `${JSON.stringify({ id, point, error, at: new Date().toISOString() })}\n`,
        );
        warn(`FAILED ${JSON.stringify(point)}: ${error}`);
        opts.progress.tick(1, `${JSON.stringify(point)} failed`, work.get(id));
      },
    }));
  opts.progress.stop();
  // Failures in grid order, whatever order the points ended in.
  const order = new Map(opts.points.map((p, i) => [p.id, i]));
  failed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { records: log.recordsOf(opts.points), completed, failed };
}
