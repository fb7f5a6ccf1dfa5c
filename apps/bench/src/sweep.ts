import { parseStudy, type StudyConfig } from './config.js';
import type { RunMeta } from './meta.js';
import { type GridAxis, gridPoints, pointId, setPath } from './overrides.js';
import { type Progress, silentProgress } from './progress.js';
import { runStudy, type StudyResult } from './study.js';
import { openSweepLog, type SweepPoint, type SweepRecord } from './sweepLog.js';

export type { SweepPoint, SweepRecord } from './sweepLog.js';
export { readSweepRecords } from './sweepLog.js';

/** What a sweep records per point: the study result and where and with what it ran. */
export type SweepResult = StudyResult & { readonly meta: RunMeta };

/**
 * The points of a sweep: the cartesian product of `axes` applied to the base config, each
 * validated (so a bad value is refused before anything runs) and given its stable id.
 *
 * @throws {ConfigError} naming the point and every bad field
 */
export function planSweep(
  base: unknown,
  source: string,
  axes: readonly GridAxis[],
  validate?: (c: StudyConfig) => string[],
): SweepPoint[] {
  return gridPoints(axes).map((point) => {
    let raw = base;
    for (const [path, value] of Object.entries(point)) raw = setPath(raw, path, value);
    const config = parseStudy(raw, `${source} with ${JSON.stringify(point)}`, validate);
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
}

/**
 * Runs the points of a sweep one after the other on this machine, appending each finished
 * point to `outDir/results.jsonl` as soon as it is done. Points already in the file are skipped,
 * so an interrupted sweep resumes where it stopped and gives the same records as an
 * uninterrupted one.
 *
 * @returns the records of all finished points, in grid order, and whether the sweep completed
 */
export async function runSweep<R>(
  opts: SweepOptions<R>,
): Promise<{ records: SweepRecord<R>[]; completed: boolean }> {
  const log = openSweepLog<R>(opts.outDir);
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
    const result = await opts.runPoint(config, opts.signal);
    if (result === undefined) {
      completed = false;
      break;
    }
    log.record({ id, point, config, result });
    opts.progress.tick(1, JSON.stringify(point));
  }
  opts.progress.stop();
  return { records: log.recordsOf(opts.points), completed };
}
