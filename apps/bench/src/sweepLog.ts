import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyConfig } from './config.js';
import type { MethodSummary } from './study.js';

/** One finished grid point, as one line of `results.jsonl`. */
export interface SweepRecord<R> {
  readonly id: string;
  readonly point: Record<string, unknown>;
  readonly config: StudyConfig;
  readonly result: R;
}

/** A grid point of a sweep with its stable id and validated config. */
export interface SweepPoint {
  readonly id: string;
  readonly point: Record<string, unknown>;
  readonly config: StudyConfig;
}

/**
 * The results file of a sweep directory, `results.jsonl`: one record per finished point,
 * appended at once. Local and queued sweeps both record through it, so both write the same
 * files and a rerun of either resumes from the other's records.
 */
export interface SweepLog<R> {
  readonly file: string;
  has(id: string): boolean;
  /** The number of distinct points recorded. */
  readonly size: number;
  /**
   * Appends `record` unless its id is already recorded (idempotent: a point is never written
   * twice, whoever reports it).
   *
   * @returns true when the record was appended
   */
  record(record: SweepRecord<R>): boolean;
  /** The recorded records of `points`, in the order of `points`. */
  recordsOf(points: readonly SweepPoint[]): SweepRecord<R>[];
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
 * Opens (creating it if needed) the results file of `outDir` and loads what it already holds.
 * A crash mid-write leaves a torn last line; it is ended so the next record starts on its own
 * line, and the torn record does not count as done.
 */
export function openSweepLog<R>(outDir: string): SweepLog<R> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.jsonl');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  }
  const done = new Map(readSweepRecords<R>(outDir).map((r) => [r.id, r]));
  return {
    file,
    has: (id) => done.has(id),
    get size() {
      return done.size;
    },
    record(record) {
      if (done.has(record.id)) return false;
      appendFileSync(file, `${JSON.stringify(record)}\n`);
      done.set(record.id, record);
      return true;
    },
    recordsOf: (points) =>
      points.map((p) => done.get(p.id)).filter((r): r is SweepRecord<R> => r !== undefined),
  };
}

/**
 * Writes `outDir/summary.csv`: one row per point, method and downstream task.
 *
 * @returns the path written
 */
export function writeSweepSummary(
  outDir: string,
  records: readonly SweepRecord<{ readonly summary: readonly MethodSummary[] }>[],
): string {
  const lines = ['point,method,energy,coverage,task,accuracy'];
  for (const r of records) {
    for (const s of r.result.summary) {
      for (const [task, acc] of Object.entries(s.downstream)) {
        lines.push(
          [
            JSON.stringify(r.point).replaceAll(',', ';'),
            s.method,
            s.energy.mean,
            s.coverage.mean,
            task,
            acc.mean,
          ].join(','),
        );
      }
    }
  }
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'summary.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
