import { createHash } from 'node:crypto';
import type { Software } from '../fingerprint.js';
import type { RunMeta } from '../meta.js';
import type { SweepPoint } from '../sweepLog.js';

/**
 * How often a job may be recovered from a dead or stalled worker before it is failed; the
 * coordinator's and the workers' stalled-job checks use the same limit.
 */
export const MAX_STALLED_COUNT = 3;
/** How often a point whose study throws is tried before it is failed. */
export const JOB_ATTEMPTS = 3;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/**
 * The fingerprint of a sweep: a hash of every point's id and validated config, in id order.
 * Two invocations that would run the same studies (same base config and grid, in any axis
 * order) have the same fingerprint; any other change gives another.
 */
export function sweepFingerprint(points: readonly SweepPoint[]): string {
  const entries = points.map((p) => [p.id, p.config] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(canonicalJson(entries));
}

/** The queue a sweep uses unless `--queue-name` says otherwise: `mtrl-sweep-<16 hex>`. */
export function defaultQueueName(fingerprint: string): string {
  return `mtrl-sweep-${fingerprint.slice(0, 16)}`;
}

/**
 * Checks a `--queue-name`: letters, digits, `.`, `_` and `-` (BullMQ forbids `:`).
 *
 * @throws {Error} naming the bad value
 */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name))
    throw new Error(
      `--queue-name must be 1 to 100 letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`,
    );
  return name;
}

/**
 * The BullMQ job id of a point: a hash of its point id, so adding a point twice (by a
 * restarted coordinator) finds the existing job instead of making a second one.
 */
export function jobIdOf(pointId: string): string {
  return `p-${sha256(pointId).slice(0, 32)}`;
}

/** The versions a result depends on: the bench app, every @mtrl package and the compute backend. */
export function softwareVersions(meta: RunMeta): Record<string, string> {
  return { '@mtrl/bench': meta.bench, ...meta.packages, 'kernel backend': meta.backend };
}

/**
 * The differences between the versions a sweep was started with and those of this machine,
 * one line per package (`@mtrl/tensors 0.1.0 on the coordinator, 0.2.0 here`), empty when
 * they agree.
 */
export function versionDifferences(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
  labels: readonly [string, string] = ['on the coordinator', 'here'],
): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((n) => expected[n] !== actual[n])
    .map(
      (n) =>
        `${n} ${expected[n] ?? '(absent)'} ${labels[0]}, ${actual[n] ?? '(absent)'} ${labels[1]}`,
    );
}

/** What a job of a queued sweep carries: enough to run the point anywhere and check it. */
export interface SweepJobData {
  /** The sweep's fingerprint. */
  readonly sweep: string;
  /** The point id (as in results.jsonl). */
  readonly id: string;
  readonly point: Record<string, unknown>;
  /** The validated config of the point, seed included. */
  readonly config: SweepPoint['config'];
  /** The coordinator's {@link softwareVersions}; a worker with others refuses the job. */
  readonly packages: Readonly<Record<string, string>>;
  /** The sweep's software (fingerprint of the built code and kernels); a worker with another refuses the job. */
  readonly software: Software;
}
