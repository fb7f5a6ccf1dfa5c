import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StudyConfig } from './config.js';
import type { MethodSummary } from './study.js';
import { sweepSummaryCsv } from './summary.js';
import { sweepRecordProblems } from './sweepRecord.js';

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

/** How {@link openRecordLog} checks what it reads. */
export interface RecordCheck {
  /** The problems of one parsed line (empty or undefined: the record is sound). */
  readonly validate?: (record: unknown) => readonly string[] | undefined;
  /** Receives the warning naming the lines set aside; default: stderr. */
  readonly warn?: (message: string) => void;
}

/** The file beside `file` where its bad lines are set aside: `results.jsonl` -> `results.quarantine.jsonl`. */
export function quarantineFileOf(file: string): string {
  const name = basename(file).replace(/\.jsonl$/, '');
  return join(dirname(file), `${name}.quarantine.jsonl`);
}

/**
 * Opens (creating it if needed) the journal `file` and loads what it already holds. Lines that
 * are not JSON (a write cut short by a crash, a stray edit) or that `check.validate` refuses
 * are set aside, never fatal: each is appended to {@link quarantineFileOf} with its line
 * number and reason, the journal is rewritten without them (atomically: a new file renamed
 * over the old), and one warning names them. Their pieces count as not done.
 */
export function openRecordLog<Rec extends { readonly id: string }>(
  file: string,
  format: LogFormat = {},
  check: RecordCheck = {},
): RecordLog<Rec> {
  mkdirSync(dirname(file), { recursive: true });
  const reviver = format.exactNumbers ? decodeSpecial : undefined;
  const done = new Map<string, Rec>();
  if (existsSync(file)) {
    const good: string[] = [];
    const bad: { line: number; reason: string; text: string }[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (text.trim() === '') return;
        let rec: unknown;
        try {
          rec = JSON.parse(text, reviver);
        } catch (e) {
          bad.push({ line: i + 1, reason: `not valid JSON (${(e as Error).message})`, text });
          return;
        }
        const id = (rec as { id?: unknown } | null)?.id;
        const problems =
          typeof id !== 'string' ? ['id: expected a string'] : (check.validate?.(rec) ?? []);
        if (problems.length > 0) bad.push({ line: i + 1, reason: problems.join('; '), text });
        else {
          good.push(text);
          if (!done.has(id as string)) done.set(id as string, rec as Rec);
        }
      });
    if (bad.length > 0) {
      const aside = quarantineFileOf(file);
      const at = new Date().toISOString();
      appendFileSync(
        aside,
        bad
          .map(
            (b) =>
              `${JSON.stringify({ file, line: b.line, reason: b.reason, at, text: b.text })}\n`,
          )
          .join(''),
      );
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, good.map((l) => `${l}\n`).join(''));
      renameSync(tmp, file);
      (check.warn ?? ((m: string) => process.stderr.write(`mtrl-bench: ${m}\n`)))(
        `set aside ${bad.length} bad record(s) of ${file} into ${aside} (their points run again): ${bad
          .slice(0, 5)
          .map((b) => `line ${b.line}: ${b.reason.slice(0, 300)}`)
          .join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}`,
      );
    }
  }
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

/**
 * Opens (creating it if needed) the results file of `outDir` (see {@link openRecordLog}); every
 * record is checked against the schema the local path writes ({@link sweepRecordProblems}),
 * and bad ones are set aside into `results.quarantine.jsonl`.
 */
export function openSweepLog<R>(outDir: string, warn?: (message: string) => void): SweepLog<R> {
  const log = openRecordLog<SweepRecord<R>>(
    join(outDir, 'results.jsonl'),
    {},
    { validate: sweepRecordProblems, ...(warn ? { warn } : {}) },
  );
  return Object.assign(log, {
    recordsOf: (points: readonly SweepPoint[]) =>
      points.map((p) => log.get(p.id)).filter((r): r is SweepRecord<R> => r !== undefined),
  });
}

/**
 * Writes `outDir/summary.csv` (see {@link sweepSummaryCsv}): one row per point, method and
 * downstream task, one column per grid axis of `axes` (default: the points' keys), the seed
 * count, means and standard errors.
 *
 * @returns the path written
 */
export function writeSweepSummary(
  outDir: string,
  records: readonly SweepRecord<{
    readonly seeds: readonly number[];
    readonly summary: readonly MethodSummary[];
  }>[],
  axes?: readonly string[],
): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'summary.csv');
  writeFileSync(path, sweepSummaryCsv(records, axes));
  return path;
}
