import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { checkBudget, limitsOf, studyEstimate, sweepEstimate } from '../budget.js';
import { readConfigFile } from '../config.js';
import type { RunMeta } from '../meta.js';
import { checkMethods } from '../methods.js';
import { checkOutDir } from '../outPath.js';
import {
  applyOverrides,
  checkHeld,
  checkOverrides,
  overriddenSource,
  parseGridAxis,
} from '../overrides.js';
import { createProgress, type Progress } from '../progress.js';
import { redactUrl } from '../queue/redisUrl.js';
import { formatSweepTable } from '../summary.js';
import {
  parallelPoints,
  planSweep,
  runSweep,
  runSweepPoint,
  type SweepPoint,
  type SweepRecord,
  type SweepResult,
} from '../sweep.js';
import { writeSweepSummary } from '../sweepLog.js';
import {
  addOverrideOptions,
  type BudgetCliOptions,
  Interrupted,
  int,
  jobsArg,
  jobsOf,
  maxMemoryOption,
  maxWorkOption,
  type OverrideCliOptions,
  overridesOf,
  queueNameArg,
  redisUrlArg,
  resumeHint,
  warn,
  withInterrupt,
} from './common.js';

/** What a sweep folder holds: results, failures, the summary, its identity and records set aside. */
const SWEEP_FILES = [
  'results.jsonl',
  'failed.jsonl',
  'summary.csv',
  'sweep.json',
  'results.quarantine.jsonl',
];

interface SweepCliOptions extends BudgetCliOptions, OverrideCliOptions {
  grid: string[];
  jobs?: number | 'auto';
  out: string;
  quiet?: boolean;
  queue?: string;
  queueName?: string;
  wait: boolean;
  clearQueue?: boolean;
  stalledInterval?: number;
}

/** `mtrl-bench sweep <config>`: a study over a grid, here or on queued workers. */
export function sweepCommand(): Command {
  const cmd = new Command('sweep')
    .description(
      'run a study over the cartesian product of settings; results are appended as they finish and a rerun resumes; a table of the points ends it. With --queue the points run on mtrl-bench workers on any number of machines',
    )
    .argument('<config>', 'path to the base study config')
    .requiredOption(
      '--grid <key=v1,v2...>',
      'a grid axis as a dotted config path and values (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    );
  return addOverrideOptions(cmd, 'file before the grid')
    .option('--out <dir>', 'results directory (results.jsonl, summary.csv)', 'out/sweep')
    .option(
      '--jobs <n>',
      'points run at once on this machine, each in its own worker thread: an integer >= 1 or auto (the available cores; default 1); the records are the same for every value',
      jobsArg,
    )
    .option('--quiet', 'no progress output')
    .option(
      '--queue <url>',
      'run the points on `mtrl-bench worker`s through Redis at redis://HOST:PORT[/DB], waiting for all of them',
      redisUrlArg,
    )
    .option(
      '--queue-name <name>',
      'with --queue: the BullMQ queue (default: mtrl-sweep-<hash of the config and grid>)',
      queueNameArg,
    )
    .option('--no-wait', 'with --queue: enqueue and exit; rerun without it to collect the results')
    .option(
      '--clear-queue',
      'with --queue: delete the jobs already on the queue first (results.jsonl is kept)',
    )
    .option(
      '--stalled-interval <ms>',
      'with --queue: how often to look for jobs of dead workers (default 30000)',
      int('--stalled-interval'),
    )
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(sweep);
}

async function sweep(path: string, opts: SweepCliOptions, cmd: Command): Promise<void> {
  if (opts.queue !== undefined && opts.jobs !== undefined)
    cmd.error(
      'error: --jobs runs points on this machine; with --queue, set the threads of each `mtrl-bench worker` with its --concurrency',
      { exitCode: 2, code: 'mtrl-bench.usage' },
    );
  if (opts.queue === undefined) {
    const stray = [
      opts.queueName !== undefined && '--queue-name',
      !opts.wait && '--no-wait',
      opts.clearQueue && '--clear-queue',
      opts.stalledInterval !== undefined && '--stalled-interval',
    ].filter(Boolean);
    if (stray.length > 0)
      cmd.error(`error: ${stray.join(', ')} only make(s) sense with --queue redis://HOST:PORT`, {
        exitCode: 2,
        code: 'mtrl-bench.usage',
      });
  }
  // --set, --seed and --seeds change the base config before the grid: every point, and the
  // folder's identity, are made from the overridden base. All is checked before any work.
  const overrides = overridesOf(opts);
  const axes = opts.grid.map(parseGridAxis);
  checkOverrides(overrides, axes);
  const base = applyOverrides(readConfigFile(path), overrides);
  const source = overriddenSource(path, overrides);
  const points = planSweep(base, source, axes, checkMethods);
  const sets = Object.fromEntries(overrides.map((o) => [o.path, o.value]));
  for (const p of points)
    checkHeld(p.config, sets, `${source} with ${JSON.stringify(p.point)}`, 'the command line');
  const limits = limitsOf(opts);
  const jobs = Math.min(jobsOf(opts.jobs ?? 1), points.length);
  if (opts.queue === undefined) {
    const est = sweepEstimate(points.map((p) => p.config));
    // Each thread may hold the largest point at once.
    checkBudget(
      `sweep ${path}`,
      jobs > 1
        ? { ...est, bytes: est.bytes * jobs, sizes: `${est.sizes}, ${jobs} at once (--jobs)` }
        : est,
      limits,
    );
  }
  // Each queued point runs on its own: the largest one must fit (each worker checks it too).
  else
    for (const p of points)
      checkBudget(
        `sweep ${path} point ${JSON.stringify(p.point)}`,
        studyEstimate(p.config),
        limits,
      );
  checkOutDir(opts.out, SWEEP_FILES);
  const { runMeta } = await import('../meta.js');
  const meta = runMeta();
  const progress = createProgress(!!opts.quiet);
  const axisPaths = axes.map((a) => a.path);
  if (opts.queue !== undefined)
    return sweepOnQueue(opts.queue, points, base, axisPaths, opts, meta, progress);
  const results = join(opts.out, 'results.jsonl');
  const { records, completed, failed } = await withInterrupt(
    (signal) =>
      runSweep<SweepResult>({
        points,
        outDir: opts.out,
        progress,
        signal,
        base,
        software: meta.software,
        warn,
        ...(jobs > 1
          ? { runPoints: parallelPoints(jobs, meta.backend, meta) }
          : { runPoint: (cfg, sig) => runSweepPoint(cfg, meta, sig) }),
      }),
    `stopping: the points in progress are dropped, the finished ones are kept in ${results}, and rerunning the same command resumes from them`,
  );
  writeSweepSummary(opts.out, records, axisPaths);
  printTable(records, axisPaths);
  process.stdout.write(
    `${records.length} of ${points.length} point(s) recorded in ${results}${failed.length > 0 ? `; ${failed.length} failed (${join(opts.out, 'failed.jsonl')})` : ''}\n`,
  );
  if (!completed)
    throw new Interrupted(
      resumeHint(`${records.length} of ${points.length} point(s) are recorded in ${results}`),
    );
  if (failed.length > 0)
    throw new Error(
      `${failed.length} of ${points.length} point(s) failed; the others were recorded; rerun the command to retry them:\n${failed
        .map((f) => `  ${JSON.stringify(f.point)}: ${f.error}`)
        .join('\n')}`,
    );
}

/** `mtrl-bench sweep --queue`: enqueue, wait for the workers, write what a local sweep writes. */
async function sweepOnQueue(
  url: string,
  points: SweepPoint[],
  base: unknown,
  axes: readonly string[],
  opts: SweepCliOptions,
  meta: RunMeta,
  progress: Progress,
): Promise<void> {
  const { runQueuedSweep } = await import('../queue/coordinator.js');
  const results = join(opts.out, 'results.jsonl');
  const res = await withInterrupt(
    (signal) =>
      runQueuedSweep({
        url,
        queueName: opts.queueName,
        points,
        base,
        outDir: opts.out,
        meta,
        progress,
        signal,
        warn,
        wait: opts.wait,
        clearQueue: opts.clearQueue,
        stalledIntervalMs: opts.stalledInterval,
      }),
    `stopping: the finished points are kept in ${results}, the others stay queued for the workers, and rerunning the same command resumes collecting them`,
  );
  const shown = redactUrl(url);
  if (!opts.wait) {
    process.stdout.write(
      `queue ${res.queueName} at ${shown}: ${res.enqueued} point(s) enqueued, ${res.alreadyQueued} already queued, ${res.records.length} already recorded.\nStart workers with: mtrl-bench worker --queue ${shown}\nCollect the results by running this command again without --no-wait.\n`,
    );
    return;
  }
  writeSweepSummary(opts.out, res.records, axes);
  printTable(res.records, axes);
  process.stdout.write(
    `${res.records.length} point(s) recorded in ${join(opts.out, 'results.jsonl')} (queue ${res.queueName}: ${res.enqueued} enqueued by this run, ${res.recovered} recovered after a worker stopped)\n`,
  );
  if (res.failed.length > 0) {
    // As a local sweep does: the failures beside the results, each with its error.
    const at = new Date().toISOString();
    appendFileSync(
      join(opts.out, 'failed.jsonl'),
      res.failed
        .map((f) => `${JSON.stringify({ id: f.id, point: f.point, error: f.reason, at })}\n`)
        .join(''),
    );
    throw new Error(
      `${res.failed.length} point(s) failed; rerun the command to retry them:\n${res.failed
        .map((f) => `  ${JSON.stringify(f.point)}: ${f.reason}`)
        .join('\n')}`,
    );
  }
  if (!res.completed)
    throw new Interrupted(
      resumeHint(
        `${res.records.length} of ${points.length} point(s) are recorded in ${results}; the others stay queued for the workers`,
      ),
    );
}

/** The summary table of the recorded points, on stdout (nothing when none is recorded). */
function printTable(records: readonly SweepRecord<SweepResult>[], axes: readonly string[]): void {
  if (records.length > 0) process.stdout.write(`${formatSweepTable(records, axes)}\n`);
}
