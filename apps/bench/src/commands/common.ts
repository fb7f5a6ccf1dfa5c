import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_TFLOP } from '../budget.js';
import { checkOverrides, type Override, parseSetOverride } from '../overrides.js';
import { parseRedisUrl } from '../queue/redisUrl.js';
import { checkQueueName } from '../queue/sweepIdentity.js';

/** A flag parser for an integer >= 1, naming the flag in its error. */
export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be an integer >= 1, got ${JSON.stringify(v)}`);
  return n;
};

/** A flag parser for an integer >= 0, naming the flag in its error. */
export const nonNegativeInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be an integer >= 0, got ${JSON.stringify(v)}`);
  return n;
};

/** A flag parser for `--jobs`: an integer >= 1, or `auto` (the available cores). */
export const jobsArg = (v: string): number | 'auto' => {
  if (v === 'auto') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(
      `--jobs must be an integer >= 1 or auto, got ${JSON.stringify(v)}`,
    );
  return n;
};

/** The number of threads `--jobs` asks for. */
export const jobsOf = (jobs: number | 'auto') => (jobs === 'auto' ? availableParallelism() : jobs);

/** The config overrides of `run` and `sweep`: `--set path=value` (repeatable), `--seed`, `--seeds`. */
export interface OverrideCliOptions {
  set?: string[];
  seed?: number;
  seeds?: number;
}

/** Adds `--set`, `--seed` and `--seeds` to a command that reads a study config. */
export function addOverrideOptions(cmd: Command, what: string): Command {
  return cmd
    .option(
      '--set <path=value>',
      `override a field of the config ${what} as a dotted path, e.g. --set pretrain.T=64 (repeatable; values as --grid takes them: JSON, [a, b] or {k: v}, else a string)`,
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--seed <n>',
      'the first seed of the study (the config field seed; seeds seed, seed + 1, ... run)',
      nonNegativeInt('--seed'),
    )
    .option('--seeds <n>', 'the number of seeds (the config field seeds)', int('--seeds'));
}

/**
 * The overrides the command line gives, in order: each `--set`, then `--seed` and `--seeds`.
 *
 * @throws {UsageError} for a malformed `--set`, an unknown path, or two flags setting one field
 */
export function overridesOf(opts: OverrideCliOptions): Override[] {
  const out = (opts.set ?? []).map(parseSetOverride);
  if (opts.seed !== undefined)
    out.push({ path: 'seed', value: opts.seed, flag: `--seed ${opts.seed}` });
  if (opts.seeds !== undefined)
    out.push({ path: 'seeds', value: opts.seeds, flag: `--seeds ${opts.seeds}` });
  checkOverrides(out);
  return out;
}

/** A flag parser for a finite number > 0, naming the flag in its error. */
export const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(v)}`);
  return n;
};

/** The size limits of the commands that compute: `--max-memory` and `--max-work`. */
export interface BudgetCliOptions {
  maxMemory?: number;
  maxWork?: number;
}

/** `--max-memory <GiB>`: the memory limit of the commands that compute. */
export const maxMemoryOption = () =>
  new Option(
    '--max-memory <GiB>',
    "refuse work whose estimated memory exceeds this (default: this machine's free memory)",
  ).argParser(positive('--max-memory'));

/** `--max-work <TFLOP>`: the work limit of the commands that compute. */
export const maxWorkOption = () =>
  new Option(
    '--max-work <TFLOP>',
    `refuse work whose estimated floating-point operations exceed this many TFLOP (default ${DEFAULT_MAX_TFLOP}, about 6 h at 50 GFLOP/s)`,
  ).argParser(positive('--max-work'));

/** `--queue <url>`: a Redis URL, checked as it is parsed. */
export const redisUrlArg = (v: string) => {
  try {
    return parseRedisUrl(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** `--queue-name <name>`: a BullMQ queue name, checked as it is parsed. */
export const queueNameArg = (v: string) => {
  try {
    return checkQueueName(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** Warnings reach stderr even with --quiet: a record set aside or a failed point must be seen. */
export const warn = (line: string) => process.stderr.write(`mtrl-bench: ${line}\n`);

/**
 * Thrown after an interrupted command has written what it finished (exit code 130); the
 * message says what was kept and how to go on (see {@link resumeHint}).
 */
export class Interrupted extends Error {
  constructor(what = 'finished results were written') {
    super(`interrupted: ${what}`);
  }
}

/**
 * The end of an interrupt message of a command with a journal: that rerunning it resumes.
 * `done` names what is kept (`3 of 8 point(s) are recorded in out/sweep/results.jsonl`).
 */
export const resumeHint = (done: string, units = 'points') =>
  `${done}; rerun the same command to resume: the finished ${units} are not run again`;

/**
 * Runs `fn` with an AbortSignal that the first Ctrl-C (SIGINT) or SIGTERM aborts, so the command
 * stops, writes what is done and exits; a second Ctrl-C exits at once. `stopping` is what the
 * first Ctrl-C prints: what the command keeps, and whether rerunning it resumes.
 */
export async function withInterrupt<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  stopping = 'stopping; what is finished is kept',
): Promise<T> {
  const ctl = new AbortController();
  const onSignal = () => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(`\nmtrl-bench: ${stopping} (Ctrl-C again to quit now)\n`);
    ctl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(ctl.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
