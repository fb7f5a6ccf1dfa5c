import { setBackend } from '@mtrl/tensors';
import { type Job, UnrecoverableError } from 'bullmq';
import { runMeta } from '../meta.js';
import { runSweepPoint, type SweepResult } from '../sweep.js';
import { type SweepJobData, softwareVersions, versionDifferences } from './sweepIdentity.js';

/**
 * The sandboxed processor of `mtrl-bench worker`: BullMQ runs it in a worker thread per
 * concurrent job, so a synchronous, CPU-bound study neither blocks the worker's main thread
 * (which renews job locks) nor the other jobs. Runs the point with the exact config (seed
 * included) the job carries and returns what a local sweep records for it.
 *
 * @throws {UnrecoverableError} when this machine runs other package versions than the
 *   coordinator: the job is failed at once, without running, and not retried
 * @throws {Error} when cancelled
 */
export default async function processSweepJob(
  job: Pick<Job<SweepJobData>, 'id' | 'data'>,
  _token?: string,
  signal?: AbortSignal,
): Promise<SweepResult> {
  // Worker threads start with the default backend; use the one the worker command resolved.
  if (process.env.MTRL_BACKEND) setBackend(process.env.MTRL_BACKEND);
  const meta = runMeta();
  const diffs = versionDifferences(job.data.packages, softwareVersions(meta));
  if (diffs.length > 0)
    throw new UnrecoverableError(
      `refused point ${JSON.stringify(job.data.point)} (job ${job.id}): this worker runs other package versions than the coordinator: ${diffs.join('; ')}`,
    );
  const result = await runSweepPoint(job.data.config, meta, signal ?? new AbortController().signal);
  if (result === undefined) throw new Error(`point ${JSON.stringify(job.data.point)} cancelled`);
  return result;
}
