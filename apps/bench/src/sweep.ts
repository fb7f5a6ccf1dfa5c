import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseStudy, type StudyConfig } from './config.js';
import type { Software } from './fingerprint.js';
import type { RunMeta } from './meta.js';
import {
  checkGridAxes,
  type GridAxis,
  getPath,
  gridPoints,
  holds,
  pointId,
  setPath,
} from './overrides.js';
import { type Progress, silentProgress } from './progress.js';
import { canonicalJson } from './queue/sweepIdentity.js';
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
    const off = Object.entries(point).filter(([path, v]) => !holds(getPath(config, path), v));
    if (off.length > 0)
      throw new ConfigError(
        where,
        off.map(
          ([path, v]) =>
            `${path}: the grid sets ${canonicalJson(v)}, but the validated config has ${canonicalJson(getPath(config, path) ?? null)}`,
        ),
      );
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

/** Inputs of {@link runSweep}. */
export interface SweepOptions<R> {
  readonly points: readonly SweepPoint[];
  readonly outDir: string;
  /** Runs one point; returns undefined when interrupted (the point is then not recorded). */
  readonly runPoint: (config: StudyConfig, signal: AbortSignal) => Promise<R | undefined>;
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
 * Runs the points of a sweep one after the other on this machine, appending each finished
 * point to `outDir/results.jsonl` as soon as it is done. Points already in the file are skipped,
 * so an interrupted sweep resumes where it stopped and gives the same records as an
 * uninterrupted one. A point that throws is recorded in `outDir/failed.jsonl` with its error
 * and the others go on; a rerun tries it again.
 *
 * @returns the records of all finished points, in grid order, the points that failed, and
 *   whether the sweep ran to its end (false when interrupted)
 * @throws {UsageError} when the folder holds another sweep (see `claimSweepDir`)
 */
export async function runSweep<R>(
  opts: SweepOptions<R>,
): Promise<{ records: SweepRecord<R>[]; completed: boolean; failed: FailedSweepPoint[] }> {
  const warn = opts.warn ?? ((m: string) => opts.progress.log(m));
  const log = openSweepLog<R>(opts.outDir, warn);
  if (opts.base !== undefined)
    claimSweepDir(opts.outDir, opts.base, log, opts.points, opts.software, warn);
  const failed: FailedSweepPoint[] = [];
  const todo = opts.points.filter((p) => !log.has(p.id));
  const total = opts.points.length;
  opts.progress.start('sweep', total);
  opts.progress.tick(total - todo.length, `${total - todo.length} already done`);
  let completed = true;
  for (const { id, point, config } of todo) {
    if (opts.signal.aborted) {
      completed = false;
      break;
    }
    let result: R | undefined;
    try {
      result = await opts.runPoint(config, opts.signal);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failed.push({ id, point, error });
      mkdirSync(opts.outDir, { recursive: true });
      appendFileSync(
        join(opts.outDir, FAILED_FILE),
        `${JSON.stringify({ id, point, error, at: new Date().toISOString() })}\n`,
      );
      warn(`FAILED ${JSON.stringify(point)}: ${error}`);
      opts.progress.tick(1, `${JSON.stringify(point)} failed`);
      continue;
    }
    if (result === undefined) {
      completed = false;
      break;
    }
    log.record({ id, point, config, result });
    opts.progress.tick(1, JSON.stringify(point));
  }
  opts.progress.stop();
  return { records: log.recordsOf(opts.points), completed, failed };
}
