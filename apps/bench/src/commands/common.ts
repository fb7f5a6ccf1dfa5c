import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_TFLOP } from '../budget.js';
import { parseRedisUrl } from '../queue/redisUrl.js';
import { checkQueueName } from '../queue/sweepIdentity.js';

/** A flag parser for an integer >= 1, naming the flag in its error. */
export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be an integer >= 1, got ${JSON.stringify(v)}`);
  return n;
};

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

/** Thrown after an interrupted command has written what it finished (exit code 130). */
export class Interrupted extends Error {
  constructor(what = 'finished results were written') {
    super(`interrupted: ${what}`);
  }
}

/**
 * Runs `fn` with an AbortSignal that the first Ctrl-C (SIGINT) or SIGTERM aborts, so the command
 * finishes the work in progress, writes what is done and exits; a second Ctrl-C exits at once.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onSignal = () => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(
      '\nmtrl-bench: stopping after the work in progress (Ctrl-C again to quit now)\n',
    );
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
