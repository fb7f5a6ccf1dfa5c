import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { softwareDifferences } from '../fingerprint.js';
import type { RunMeta } from '../meta.js';
import type { Progress } from '../progress.js';
import type { SweepResult } from '../sweep.js';
import { claimSweepDir } from '../sweepDir.js';
import { openSweepLog, type SweepPoint, type SweepRecord } from '../sweepLog.js';
import { connectRedis } from './connectRedis.js';
import { type FailedPoint, SweepCollector } from './sweepCollector.js';
import {
  defaultQueueName,
  MAX_STALLED_COUNT,
  type SweepJobData,
  softwareVersions,
  sweepFingerprint,
  versionDifferences,
} from './sweepIdentity.js';
import {
  acquireCoordinatorLock,
  forgetSweep,
  processName,
  readSweepMeta,
  registerSweep,
  type SweepMeta,
} from './sweepRegistry.js';

/** Inputs of {@link runQueuedSweep}. */
export interface QueuedSweepOptions {
  /** `redis://HOST:PORT[/DB]`. */
  readonly url: string;
  /** Defaults to `mtrl-sweep-<fingerprint>`. */
  readonly queueName?: string;
  readonly points: readonly SweepPoint[];
  /** The base config before the grid: the identity of the folder (see `claimSweepDir`). */
  readonly base?: unknown;
  readonly outDir: string;
  /** This coordinator's versions go into every job; workers with others refuse them. */
  readonly meta: RunMeta;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  /** Warnings (records and keys set aside), shown even when progress is silent; default: progress.log. */
  readonly warn?: (line: string) => void;
  /** False: enqueue and return; a later run (with wait) collects the results. Default true. */
  readonly wait?: boolean;
  /** Delete the queue's jobs and sweep record before enqueuing. */
  readonly clearQueue?: boolean;
  /** How often this coordinator looks for jobs of dead workers (ms, default 30000). */
  readonly stalledIntervalMs?: number;
  readonly pollMs?: number;
  readonly connectTimeoutMs?: number;
}

/** What {@link runQueuedSweep} did. */
export interface QueuedSweepOutcome {
  readonly queueName: string;
  readonly fingerprint: string;
  /** Records of all finished points, in grid order (from this run and earlier ones). */
  readonly records: SweepRecord<SweepResult>[];
  /** True when every point is recorded. */
  readonly completed: boolean;
  /** Jobs added by this run, and jobs found already queued by an earlier coordinator. */
  readonly enqueued: number;
  readonly alreadyQueued: number;
  /** Points recorded by this run that ran more than once (a worker died or stalled). */
  readonly recovered: number;
  readonly failed: readonly FailedPoint[];
}

/**
 * Runs a sweep on BullMQ workers: one job per point not yet in `outDir/results.jsonl`, on a
 * queue named after the sweep. While waiting it records each finished point once, in the same
 * results file a local sweep writes (then deletes its job), and shows progress over all
 * workers. A coordinator restarted after a crash records what finished meanwhile, adds only
 * jobs that are missing (job ids are hashes of point ids) and retries failed points. When every
 * point is recorded the queue is deleted.
 *
 * @throws {RedisUnreachableError} when Redis does not answer
 * @throws {Error} when the queue belongs to another sweep or was started with other versions
 */
export async function runQueuedSweep(opts: QueuedSweepOptions): Promise<QueuedSweepOutcome> {
  const warn = opts.warn ?? ((l: string) => opts.progress.log(l));
  const log = openSweepLog<SweepResult>(opts.outDir, warn);
  if (opts.base !== undefined)
    claimSweepDir(opts.outDir, opts.base, log, opts.points, opts.meta.software, warn);
  const fingerprint = sweepFingerprint(opts.points);
  const queueName = opts.queueName ?? defaultQueueName(fingerprint);
  const redis = await connectRedis(opts.url, opts.connectTimeoutMs);
  const closers: (() => Promise<unknown>)[] = [() => redis.quit()];
  try {
    const lock = await acquireCoordinatorLock(redis, queueName, (l) => opts.progress.log(l));
    closers.unshift(() => lock.release());
    const queue = new Queue<SweepJobData, SweepResult>(queueName, { connection: redis });
    queue.on('error', (e) => opts.progress.log(`queue ${queueName}: ${e.message}`));
    closers.unshift(() => queue.close());
    if (opts.clearQueue) {
      await queue.obliterate({ force: true });
      await forgetSweep(redis, queueName);
      opts.progress.log(`cleared queue ${queueName}`);
    }
    const sweep = await claimQueue(redis, queue, warn, {
      fingerprint,
      packages: softwareVersions(opts.meta),
      software: opts.meta.software,
      points: opts.points.length,
      createdAt: new Date().toISOString(),
      createdBy: processName,
    });
    const run = new SweepCollector(queue, redis, opts, log, sweep);
    await run.retryFailed();
    await run.collect();
    const { added, queued } = await run.enqueueMissing();
    opts.progress.log(
      `queue ${queueName}: ${opts.points.length} point(s), ${log.size} already recorded, ${queued} already queued, ${added} enqueued`,
    );
    if (opts.wait !== false) {
      const checker = new Worker(queueName, null, {
        connection: redis,
        autorun: false,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
        maxStalledCount: MAX_STALLED_COUNT,
      });
      checker.on('error', (e) => opts.progress.log(`stalled-job check: ${e.message}`));
      closers.unshift(() => checker.close());
      // Jobs of a worker that died are moved back to wait by any worker of the queue, and by
      // this check too, so they are retried even when every live worker moved to another sweep.
      void checker.startStalledCheckTimer();
      await run.waitForAll(lock);
    }
    const completed = opts.points.every((p) => log.has(p.id));
    if (completed) {
      await queue.obliterate({ force: true });
      await forgetSweep(redis, queueName);
    }
    return {
      queueName,
      fingerprint,
      records: log.recordsOf(opts.points),
      completed,
      enqueued: added,
      alreadyQueued: queued,
      recovered: run.recovered,
      failed: [...run.failed.values()],
    };
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

/**
 * Makes sure `queue` holds this sweep (or nothing yet) and registers it for workers.
 *
 * @returns the sweep's record (an earlier coordinator's, when resuming)
 * @throws {Error} for a queue of another sweep, one started with other versions, or one holding
 *   jobs no sweep registered
 */
async function claimQueue(
  redis: Redis,
  queue: Queue,
  warn: (line: string) => void,
  mine: SweepMeta,
): Promise<SweepMeta> {
  const name = queue.name;
  const fix = 'use another --queue-name, or --clear-queue to delete its jobs';
  const existing = await readSweepMeta(redis, name, warn);
  if (existing !== undefined) {
    if (existing.fingerprint !== mine.fingerprint)
      throw new Error(
        `queue ${name} holds jobs of another sweep (fingerprint ${existing.fingerprint.slice(0, 16)}, started ${existing.createdAt} by ${existing.createdBy}; this sweep is ${mine.fingerprint.slice(0, 16)}): ${fix}`,
      );
    const diffs = versionDifferences(existing.packages, mine.packages, ['in the queue', 'here']);
    if (diffs.length > 0)
      throw new Error(
        `queue ${name} was started with other package versions than this coordinator has (${diffs.join('; ')}): finish it with those versions, or --clear-queue to start its points again`,
      );
    const other = softwareDifferences(existing.software, mine.software, ['in the queue', 'here']);
    if (other.length > 0)
      throw new Error(
        `queue ${name} was started with other software than this coordinator runs (${other.join('; ')}): finish it with that build, or --clear-queue to start its points again`,
      );
    await registerSweep(redis, name, existing);
    return existing;
  }
  const counts = await queue.getJobCounts();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total > 0)
    throw new Error(`queue ${name} holds ${total} job(s) that no mtrl-bench sweep made: ${fix}`);
  await registerSweep(redis, name, mine);
  return mine;
}
