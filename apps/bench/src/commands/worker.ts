import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import {
  type BudgetCliOptions,
  int,
  maxMemoryOption,
  maxWorkOption,
  queueNameArg,
  redisUrlArg,
  withInterrupt,
} from './common.js';

interface WorkerCliOptions extends BudgetCliOptions {
  queue: string;
  queueName?: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  exitAfterIdle?: number;
  quiet?: boolean;
}

/** `mtrl-bench worker`: runs queued sweep points on this machine until stopped. */
export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'run the points of sweeps started with `mtrl-bench sweep --queue` on this machine, until stopped (Ctrl-C or SIGTERM lets the points in progress finish)',
    )
    .requiredOption('--queue <url>', 'Redis at redis://HOST:PORT[/DB]', redisUrlArg)
    .option(
      '--queue-name <name>',
      'serve only this queue (default: every sweep on this Redis, oldest first)',
      queueNameArg,
    )
    .option(
      '--concurrency <n>',
      'points run at once, each in its own worker thread',
      int('--concurrency'),
      availableParallelism(),
    )
    .option(
      '--lock-duration <ms>',
      'a job whose worker stops renewing its lock for this long is given to another worker',
      int('--lock-duration'),
      30_000,
    )
    .option(
      '--stalled-interval <ms>',
      'how often to look for jobs of dead workers',
      int('--stalled-interval'),
      30_000,
    )
    .option(
      '--exit-after-idle <seconds>',
      'exit once there has been nothing to run for this long (for batch jobs such as a Kubernetes Job)',
      int('--exit-after-idle'),
    )
    .option('--quiet', 'no log lines')
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(worker);
}

async function worker(opts: WorkerCliOptions): Promise<void> {
  // The job threads validate every job as the CLI does, against these limits.
  if (opts.maxMemory !== undefined) process.env.MTRL_MAX_MEMORY_GIB = String(opts.maxMemory);
  if (opts.maxWork !== undefined) process.env.MTRL_MAX_WORK_TFLOP = String(opts.maxWork);
  const { runMeta } = await import('../meta.js');
  const { runWorker } = await import('../queue/worker.js');
  const { processName } = await import('../queue/sweepRegistry.js');
  const log = opts.quiet
    ? () => {}
    : (line: string) =>
        process.stderr.write(
          `${new Date().toISOString().slice(11, 19)} worker ${processName}: ${line}\n`,
        );
  const outcome = await withInterrupt((signal) =>
    runWorker({
      url: opts.queue,
      queueName: opts.queueName,
      concurrency: opts.concurrency,
      lockDurationMs: opts.lockDuration,
      stalledIntervalMs: opts.stalledInterval,
      exitAfterIdleMs: opts.exitAfterIdle === undefined ? undefined : opts.exitAfterIdle * 1000,
      meta: runMeta(),
      log,
      signal,
    }),
  );
  process.stdout.write(
    `worker ${processName}: ${outcome.completed} point(s) finished, ${outcome.failed} failed run(s)\n`,
  );
}
