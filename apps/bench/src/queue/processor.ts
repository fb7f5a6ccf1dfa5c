import { setBackend } from '@mtrl/tensors';
import { type Job, UnrecoverableError } from 'bullmq';
import { limitsFromEnv } from '../budget.js';
import { runMeta } from '../meta.js';
import { runSweepPoint, type SweepResult } from '../sweep.js';
import { checkJob } from './checkJob.js';
import { type SweepJobData, softwareVersions } from './sweepIdentity.js';

/**
 * The sandboxed processor of `mtrl-bench worker`: BullMQ runs it in a worker thread per
 * concurrent job, so a synchronous, CPU-bound study neither blocks the worker's main thread
 * (which renews job locks) nor the other jobs. Validates the job exactly as the CLI validates a
 * point (see `checkJob`: shape, software fingerprint, config, point, memory and work), runs the
 * point with the exact config (seed included) and returns what a local sweep records for it,
 * with the job's id.
 *
 * @throws {UnrecoverableError} when the job is malformed, comes from a coordinator with other
 *   software or package versions, or is invalid or too large here: the job is failed at once,
 *   without running, and not retried
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
  const what = `point ${JSON.stringify(job.data?.point ?? null)} (job ${job.id})`;
  let config: SweepJobData['config'];
  try {
    config = checkJob(job.data, softwareVersions(meta), meta.software, limitsFromEnv());
  } catch (e) {
    throw new UnrecoverableError(`refused ${what}: ${(e as Error).message}`);
  }
  const result = await runSweepPoint(config, meta, signal ?? new AbortController().signal);
  if (result === undefined) throw new Error(`point ${JSON.stringify(job.data.point)} cancelled`);
  return { ...result, job: String(job.id) };
}
