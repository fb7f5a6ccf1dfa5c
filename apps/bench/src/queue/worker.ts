import { fileURLToPath } from 'node:url';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { softwareDifferences } from '../fingerprint.js';
import type { RunMeta } from '../meta.js';
import type { SweepResult } from '../sweep.js';
import { connectRedis } from './connectRedis.js';
import {
  MAX_STALLED_COUNT,
  type SweepJobData,
  softwareVersions,
  versionDifferences,
} from './sweepIdentity.js';
import { heartbeat, processName, readSweepMeta, registeredSweeps } from './sweepRegistry.js';

/** Inputs of {@link runWorker}. */
export interface WorkerRunOptions {
  /** `redis://HOST:PORT[/DB]`. */
  readonly url: string;
  /** Serve only this queue; by default every registered sweep, oldest first. */
  readonly queueName?: string;
  /** Points run at once, each in its own worker thread. */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal (ms, default 30000). */
  readonly lockDurationMs?: number;
  /** How often to look for jobs of dead workers (ms, default 30000). */
  readonly stalledIntervalMs?: number;
  /** Return after this long with nothing to do (for batch jobs); default: never. */
  readonly exitAfterIdleMs?: number;
  readonly meta: RunMeta;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** The sandboxed processor (default: `processor.js` beside this file). */
  readonly processorFile?: string;
  readonly pollMs?: number;
  readonly connectTimeoutMs?: number;
}

/** What a worker did before it returned. */
export interface WorkerOutcome {
  readonly completed: number;
  readonly failed: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const pointOf = (job: Job<SweepJobData> | undefined) => JSON.stringify(job?.data?.point ?? {});

/**
 * Takes jobs of queued sweeps and runs them until `signal` aborts (then lets the points in
 * progress finish) or, with `exitAfterIdleMs`, until idle that long. Without `queueName` it
 * serves the registered sweeps one at a time, oldest first, moving on when a sweep has no
 * waiting jobs left. A sweep whose coordinator runs other package versions is refused (with
 * `queueName`: an error; otherwise logged and skipped) before any of its jobs is taken.
 *
 * @throws {RedisUnreachableError} when Redis does not answer
 * @throws {Error} when the pinned sweep needs other package versions
 */
export async function runWorker(opts: WorkerRunOptions): Promise<WorkerOutcome> {
  const redis = await connectRedis(opts.url, opts.connectTimeoutMs);
  const server = new SweepServer(redis, opts);
  try {
    return await server.run();
  } finally {
    await server.close();
    await redis.quit().catch(() => undefined);
  }
}

class SweepServer {
  private readonly refused = new Set<string>();
  private readonly queues = new Map<string, Queue>();
  private readonly active = new Set<string>();
  private lastBusy = Date.now();
  private completed = 0;
  private failed = 0;

  constructor(
    private readonly redis: Redis,
    private readonly opts: WorkerRunOptions,
  ) {}

  async run(): Promise<WorkerOutcome> {
    const { opts } = this;
    let announced = false;
    while (!opts.signal.aborted && !this.idleTooLong()) {
      const name = await this.pickSweep();
      if (name === undefined) {
        if (!announced)
          opts.log(
            opts.queueName
              ? `waiting for a sweep on queue ${opts.queueName}`
              : 'waiting for sweeps (start one with mtrl-bench sweep ... --queue)',
          );
        announced = true;
        await sleep(opts.pollMs ?? 1000, opts.signal);
        continue;
      }
      announced = false;
      await this.serve(name);
    }
    return { completed: this.completed, failed: this.failed };
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) await q.close().catch(() => undefined);
  }

  private idleTooLong(): boolean {
    const limit = this.opts.exitAfterIdleMs;
    return limit !== undefined && this.active.size === 0 && Date.now() - this.lastBusy > limit;
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new Queue(name, { connection: this.redis });
      q.on('error', (e) => this.opts.log(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  private async hasWaitingJobs(name: string): Promise<boolean> {
    const c = await this.queue(name).getJobCounts('wait', 'prioritized', 'delayed');
    return c.wait + c.prioritized + c.delayed > 0;
  }

  /** The next sweep to serve: the pinned one, or the oldest registered one with waiting jobs. */
  private async pickSweep(): Promise<string | undefined> {
    const { opts } = this;
    const names = opts.queueName ? [opts.queueName] : await registeredSweeps(this.redis, opts.log);
    for (const name of names) {
      if (this.refused.has(name)) continue;
      const meta = await readSweepMeta(this.redis, name, opts.log);
      if (meta === undefined) continue;
      const diffs = versionDifferences(meta.packages, softwareVersions(opts.meta));
      const other = softwareDifferences(meta.software, opts.meta.software);
      if (diffs.length > 0 || other.length > 0) {
        const msg =
          diffs.length > 0
            ? `refusing the sweep on queue ${name}: this worker runs other package versions than its coordinator (${diffs.join('; ')}); install the coordinator's versions here`
            : `refusing the sweep on queue ${name}: this worker runs other software than its coordinator (${other.join('; ')}); run the coordinator's build, backend and kernels here`;
        if (opts.queueName) throw new Error(msg);
        opts.log(msg);
        this.refused.add(name);
        continue;
      }
      if (opts.queueName || (await this.hasWaitingJobs(name))) return name;
    }
    return undefined;
  }

  /** Runs jobs of one sweep until it is complete, or (unpinned) until none are waiting. */
  private async serve(name: string): Promise<void> {
    const { opts } = this;
    const worker = new Worker<SweepJobData, SweepResult>(
      name,
      opts.processorFile ?? fileURLToPath(new URL('./processor.js', import.meta.url)),
      {
        connection: this.redis,
        concurrency: opts.concurrency,
        useWorkerThreads: true,
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
        maxStalledCount: MAX_STALLED_COUNT,
        name: processName,
      },
    );
    const started = new Map<string, number>();
    worker.on('active', (job) => {
      this.active.add(job.id ?? '');
      started.set(job.id ?? '', Date.now());
      this.lastBusy = Date.now();
      opts.log(`started ${pointOf(job)} of ${name} (job ${job.id}, run ${job.attemptsStarted})`);
    });
    const settle = (job: Job<SweepJobData> | undefined) => {
      this.active.delete(job?.id ?? '');
      this.lastBusy = Date.now();
      const t0 = started.get(job?.id ?? '');
      return t0 === undefined ? '' : ` in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    };
    worker.on('completed', (job) => {
      this.completed++;
      opts.log(`finished ${pointOf(job)} of ${name}${settle(job)}`);
    });
    worker.on('failed', (job, err) => {
      this.failed++;
      opts.log(`failed ${pointOf(job)} of ${name}${settle(job)}: ${err.message}`);
    });
    worker.on('error', (e) => opts.log(`worker on ${name}: ${e.message}`));
    opts.log(`serving ${name} with ${opts.concurrency} thread(s)`);
    try {
      while (!opts.signal.aborted) {
        await heartbeat(this.redis, name);
        await sleep(1000, opts.signal);
        if (this.active.size > 0) continue;
        if (this.idleTooLong()) break;
        // The sweep is complete (its coordinator deleted it) or, unpinned, has nothing waiting.
        if ((await readSweepMeta(this.redis, name, opts.log)) === undefined) break;
        if (opts.queueName === undefined && !(await this.hasWaitingJobs(name))) break;
      }
    } finally {
      // Lets the points in progress finish; their results reach the queue before we return.
      await worker.close();
    }
  }
}
