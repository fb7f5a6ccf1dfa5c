import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { checkBudget, limitsOf, studyEstimate, sweepEstimate } from '../budget.js';
import { readConfigFile } from '../config.js';
import type { RunMeta } from '../meta.js';
import { checkMethods } from '../methods.js';
import { checkOutDir } from '../outPath.js';
import { parseGridAxis } from '../overrides.js';
import { createProgress, type Progress } from '../progress.js';
import { redactUrl } from '../queue/redisUrl.js';
import { planSweep, runSweep, runSweepPoint, type SweepPoint } from '../sweep.js';
import { writeSweepSummary } from '../sweepLog.js';
import {
  type BudgetCliOptions,
  Interrupted,
  int,
  maxMemoryOption,
  maxWorkOption,
  queueNameArg,
  redisUrlArg,
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

interface SweepCliOptions extends BudgetCliOptions {
  grid: string[];
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
  return new Command('sweep')
    .description(
      'run a study over the cartesian product of settings; results are appended as they finish and a rerun resumes. With --queue the points run on mtrl-bench workers on any number of machines',
    )
    .argument('<config>', 'path to the base study config')
    .requiredOption(
      '--grid <key=v1,v2...>',
      'a grid axis as a dotted config path and values (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--out <dir>', 'results directory (results.jsonl, summary.csv)', 'out/sweep')
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
  const base = readConfigFile(path);
  const points = planSweep(base, path, opts.grid.map(parseGridAxis), checkMethods);
  const limits = limitsOf(opts);
  if (opts.queue === undefined)
    checkBudget(`sweep ${path}`, sweepEstimate(points.map((p) => p.config)), limits);
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
  if (opts.queue !== undefined) return sweepOnQueue(opts.queue, points, base, opts, meta, progress);
  const { records, completed, failed } = await withInterrupt((signal) =>
    runSweep({
      points,
      outDir: opts.out,
      progress,
      signal,
      base,
      software: meta.software,
      warn,
      runPoint: (cfg, sig) => runSweepPoint(cfg, meta, sig),
    }),
  );
  writeSweepSummary(opts.out, records);
  process.stdout.write(
    `${records.length} of ${points.length} point(s) recorded in ${join(opts.out, 'results.jsonl')}${failed.length > 0 ? `; ${failed.length} failed (${join(opts.out, 'failed.jsonl')})` : ''}\n`,
  );
  if (!completed) throw new Interrupted();
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
  opts: SweepCliOptions,
  meta: RunMeta,
  progress: Progress,
): Promise<void> {
  const { runQueuedSweep } = await import('../queue/coordinator.js');
  const res = await withInterrupt((signal) =>
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
  );
  const shown = redactUrl(url);
  if (!opts.wait) {
    process.stdout.write(
      `queue ${res.queueName} at ${shown}: ${res.enqueued} point(s) enqueued, ${res.alreadyQueued} already queued, ${res.records.length} already recorded.\nStart workers with: mtrl-bench worker --queue ${shown}\nCollect the results by running this command again without --no-wait.\n`,
    );
    return;
  }
  writeSweepSummary(opts.out, res.records);
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
  if (!res.completed) throw new Interrupted();
}
