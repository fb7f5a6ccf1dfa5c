import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SweepResult } from '../sweep.js';
import type { SweepLog, SweepPoint } from '../sweepLog.js';
import { sweepResultProblems } from '../sweepRecord.js';
import type { QueuedSweepOptions } from './coordinator.js';
import { JOB_ATTEMPTS, jobIdOf, type SweepJobData, softwareVersions } from './sweepIdentity.js';

/** Where results refused by the coordinator are set aside, in the sweep's folder. */
export const REFUSED_RESULTS_FILE = 'results.quarantine.jsonl';

import {
  type CoordinatorLock,
  countWorkers,
  readSweepMeta,
  registerSweep,
  type SweepMeta,
} from './sweepRegistry.js';

/** A point whose job failed on every attempt (or was refused). */
export interface FailedPoint {
  readonly id: string;
  readonly point: Record<string, unknown>;
  readonly reason: string;
}

/** The recording side of a queued sweep: turns finished jobs into records, exactly once. */
export class SweepCollector {
  readonly failed = new Map<string, FailedPoint>();
  recovered = 0;
  /** Results set aside, per point id: a point whose results are refused JOB_ATTEMPTS times fails. */
  private readonly refused = new Map<string, number>();
  private readonly warn: (line: string) => void;
  /** Whether the progress display has started (it does once enqueuing is done). */
  private showing = false;
  private readonly byId: Map<string, SweepPoint>;

  constructor(
    private readonly queue: Queue<SweepJobData, SweepResult>,
    private readonly redis: Redis,
    private readonly opts: QueuedSweepOptions,
    private readonly log: SweepLog<SweepResult>,
    private readonly sweep: SweepMeta,
  ) {
    this.byId = new Map(opts.points.map((p) => [p.id, p]));
    this.warn = opts.warn ?? ((l) => opts.progress.log(l));
  }

  /**
   * Sets aside a completed job's result that is not a sound result of its point, of this
   * sweep's software and of this job: appended to `results.quarantine.jsonl` with the problems
   * and named in a warning; the job is removed, so the point is enqueued again (and failed after
   * JOB_ATTEMPTS refusals).
   */
  private refuse(job: Job<SweepJobData, SweepResult>, p: SweepPoint, problems: string[]): void {
    appendFileSync(
      join(this.opts.outDir, REFUSED_RESULTS_FILE),
      `${JSON.stringify({
        queue: this.queue.name,
        job: job.id,
        point: p.point,
        problems,
        processedBy: job.processedBy ?? null,
        at: new Date().toISOString(),
        returnvalue: job.returnvalue ?? null,
      })}\n`,
    );
    const n = (this.refused.get(p.id) ?? 0) + 1;
    this.refused.set(p.id, n);
    this.warn(
      `set aside the result of job ${job.id} for ${JSON.stringify(p.point)}${job.processedBy ? ` from ${job.processedBy}` : ''} into ${join(this.opts.outDir, REFUSED_RESULTS_FILE)}: ${problems.slice(0, 3).join('; ')}${n < JOB_ATTEMPTS ? '; the point runs again' : ''}`,
    );
    if (n >= JOB_ATTEMPTS)
      this.failed.set(p.id, {
        id: p.id,
        point: p.point,
        reason: `its result was refused ${n} times: ${problems.slice(0, 3).join('; ')}`,
      });
  }

  private ours(job: Job<SweepJobData> | undefined): SweepPoint | undefined {
    return job?.data?.sweep === this.sweep.fingerprint ? this.byId.get(job.data.id) : undefined;
  }

  /** Sends the failed points of an earlier run back to the queue. */
  async retryFailed(): Promise<void> {
    for (const job of await this.queue.getJobs(['failed'])) {
      const p = this.ours(job);
      if (p === undefined || this.log.has(p.id)) continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      this.opts.progress.log(`retrying ${JSON.stringify(p.point)}, failed in an earlier run`);
    }
  }

  /**
   * Records every completed job not yet recorded and then deletes it, so the completed set only
   * holds unrecorded results; notes failed jobs. A crash between the two steps leaves a job
   * whose point is already recorded: the next pass deletes it without recording it again.
   */
  async collect(): Promise<void> {
    let refused = false;
    for (const job of await this.queue.getJobs(['completed'])) {
      const p = this.ours(job);
      if (p === undefined) continue;
      const result = job.returnvalue;
      const problems = this.log.has(p.id)
        ? []
        : sweepResultProblems(result, p.config, {
            fingerprint: this.sweep.software.fingerprint,
            job: job.id,
          });
      if (problems.length > 0) {
        this.refuse(job, p, problems);
        refused = true;
      } else if (this.log.record({ id: p.id, point: p.point, config: p.config, result })) {
        if (job.attemptsStarted > 1 || job.stalledCounter > 0) this.recovered++;
        if (this.showing)
          this.opts.progress.tick(1, `${JSON.stringify(p.point)} on ${job.processedBy ?? '?'}`);
      }
      await job.remove();
    }
    if (refused) await this.enqueueMissing();
    for (const job of await this.queue.getJobs(['failed'])) {
      const p = this.ours(job);
      if (p === undefined || this.log.has(p.id) || this.failed.has(p.id)) continue;
      const reason = job.failedReason ?? 'unknown error';
      this.failed.set(p.id, { id: p.id, point: p.point, reason });
      this.opts.progress.log(
        `FAILED ${JSON.stringify(p.point)} after ${job.attemptsMade} attempt(s)${job.processedBy ? ` on ${job.processedBy}` : ''}: ${reason}`,
      );
    }
  }

  /** Adds a job for each point that is neither recorded, failed, nor in the queue. */
  async enqueueMissing(): Promise<{ added: number; queued: number }> {
    const todo = this.opts.points.filter((p) => !this.log.has(p.id) && !this.failed.has(p.id));
    const states = await Promise.all(todo.map((p) => this.queue.getJobState(jobIdOf(p.id))));
    const missing = todo.filter((_, i) => states[i] === 'unknown');
    const packages = softwareVersions(this.opts.meta);
    await this.queue.addBulk(
      missing.map((p) => ({
        name: 'point',
        data: {
          sweep: this.sweep.fingerprint,
          id: p.id,
          point: p.point,
          config: p.config,
          packages,
          software: this.sweep.software,
        },
        opts: {
          jobId: jobIdOf(p.id),
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    return { added: missing.length, queued: todo.length - missing.length };
  }

  /** Polls until every point is recorded or failed, or until interrupted. */
  async waitForAll(lock: CoordinatorLock): Promise<void> {
    const { progress, points, signal } = this.opts;
    const pollMs = this.opts.pollMs ?? 500;
    progress.start(`sweep on ${this.queue.name}`, points.length);
    progress.tick(this.log.size, `${this.log.size} already recorded`);
    this.showing = true;
    let lastCheck = Date.now();
    try {
      for (;;) {
        await this.collect();
        if (points.every((p) => this.log.has(p.id) || this.failed.has(p.id))) return;
        if (signal.aborted) return;
        if (lock.lost.aborted) throw lock.lost.reason;
        // Jobs can vanish (a Redis restarted without persistence, a queue cleared by hand).
        if (Date.now() - lastCheck > 10_000) {
          lastCheck = Date.now();
          if ((await readSweepMeta(this.redis, this.queue.name, this.warn)) === undefined) {
            await registerSweep(this.redis, this.queue.name, this.sweep);
            progress.log(`registered the sweep again on ${this.queue.name} (Redis lost it)`);
          }
          const { added } = await this.enqueueMissing();
          if (added > 0) progress.log(`re-enqueued ${added} point(s) missing from the queue`);
        }
        const c = await this.queue.getJobCounts('active', 'wait', 'prioritized', 'delayed');
        const workers = await countWorkers(this.redis, this.queue.name);
        progress.tick(
          0,
          `${c.active} running, ${c.wait + c.prioritized + c.delayed} waiting, ${workers} worker(s)`,
        );
        await new Promise((r) => setTimeout(r, pollMs));
      }
    } finally {
      progress.stop();
    }
  }
}
