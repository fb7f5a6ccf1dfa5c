import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * An append-only file of JSON records, one a line, each with a stable `id`: the journal of a
 * long run, written as each piece finishes, so an interrupted run keeps its finished pieces
 * and a rerun skips them. With {@link LogFormat.exactNumbers} a record read back equals the one
 * written bit for bit, non-finite numbers and -0 included.
 */
export interface RecordLog<Rec extends { readonly id: string }> {
  readonly file: string;
  has(id: string): boolean;
  get(id: string): Rec | undefined;
  /** Every record, in the order first written. */
  records(): Rec[];
  /** The number of distinct ids recorded. */
  readonly size: number;
  /**
   * Appends `record` unless its id is already recorded (idempotent: a record is never written
   * twice, whoever reports it).
   *
   * @returns true when the record was appended
   */
  record(record: Rec): boolean;
}

// Numbers JSON cannot carry are written as {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}.
const SPECIAL = '$number';
const encodeSpecial = (_key: string, v: unknown): unknown =>
  typeof v !== 'number'
    ? v
    : Object.is(v, -0)
      ? { [SPECIAL]: '-0' } // String(-0) is "0"
      : Number.isFinite(v)
        ? v
        : { [SPECIAL]: String(v) };
const decodeSpecial = (_key: string, v: unknown): unknown => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  const text = (v as Record<string, unknown>)[SPECIAL];
  return keys.length === 1 && typeof text === 'string' ? Number(text) : v;
};

/** How a journal writes numbers. */
export interface LogFormat {
  /**
   * Write NaN, the infinities and -0 as `{"$number": "NaN"}` and so on, so they read back as
   * written; plain JSON (the default, as sweeps' results.jsonl and the queue's jobs carry
   * results) turns them into `null` and `0`.
   */
  readonly exactNumbers?: boolean;
}

/** Reads the records of a journal file; a torn last line (from a crash) is ignored. */
export function readRecords<Rec>(file: string, format: LogFormat = {}): Rec[] {
  if (!existsSync(file)) return [];
  const out: Rec[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line, format.exactNumbers ? decodeSpecial : undefined) as Rec);
    } catch {
      // An interrupted write leaves at most one partial line; its piece is run again.
    }
  }
  return out;
}

/**
 * Opens (creating it if needed) the journal `file` and loads what it already holds. A crash
 * mid-write leaves a torn last line; it is ended so the next record starts on its own line,
 * and the torn record does not count as done.
 */
export function openRecordLog<Rec extends { readonly id: string }>(
  file: string,
  format: LogFormat = {},
): RecordLog<Rec> {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  }
  const done = new Map(readRecords<Rec>(file, format).map((r) => [r.id, r]));
  const replacer = format.exactNumbers ? encodeSpecial : undefined;
  return {
    file,
    has: (id) => done.has(id),
    get: (id) => done.get(id),
    records: () => [...done.values()],
    get size() {
      return done.size;
    },
    record(record) {
      if (done.has(record.id)) return false;
      appendFileSync(file, `${JSON.stringify(record, replacer)}\n`);
      done.set(record.id, record);
      return true;
    },
  };
}

/**
 * The results file of a sweep directory, `results.jsonl`: one record per finished point,
 * appended at once. Local and queued sweeps both record through it, so both write the same
 * files and a rerun of either resumes from the other's records.
 */
export interface SweepLog<R> extends RecordLog<SweepRecord<R>> {
  /** The recorded records of `points`, in the order of `points`. */
  recordsOf(points: readonly SweepPoint[]): SweepRecord<R>[];
}

/** Reads the finished records of a sweep directory; a torn last line (from a crash) is ignored. */
export function readSweepRecords<R>(outDir: string): SweepRecord<R>[] {
  return readRecords<SweepRecord<R>>(join(outDir, 'results.jsonl'));
}

/** Opens (creating it if needed) the results file of `outDir` (see {@link openRecordLog}). */
export function openSweepLog<R>(outDir: string): SweepLog<R> {
  const log = openRecordLog<SweepRecord<R>>(join(outDir, 'results.jsonl'));
  return Object.assign(log, {
    recordsOf: (points: readonly SweepPoint[]) =>
      points.map((p) => log.get(p.id)).filter((r): r is SweepRecord<R> => r !== undefined),
  });
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
