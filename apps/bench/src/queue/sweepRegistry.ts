import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Software } from '../fingerprint.js';
import { softwareSchema } from '../sweepRecord.js';
import { checkQueueName } from './sweepIdentity.js';

/**
 * Redis keys of mtrl-bench beside BullMQ's own (`bull:<queue>:*`): a sorted set of the queues
 * of unfinished sweeps (score: when each was started), so workers find sweeps without being
 * told their names, and per queue a hash describing its sweep, the coordinator's lock and the
 * heartbeats of the workers serving it.
 */
const REGISTRY_KEY = 'mtrl-bench:sweeps';
const metaKey = (queue: string) => `mtrl-bench:sweep:${queue}`;
const lockKey = (queue: string) => `mtrl-bench:sweep:${queue}:coordinator`;
const workersKey = (queue: string) => `mtrl-bench:sweep:${queue}:workers`;
/** Where malformed keys are set aside: renamed under this prefix, with the reason beside them. */
const QUARANTINE_PREFIX = 'mtrl-bench:quarantine:';

/** What a queue's sweep is, as the coordinator that created it wrote it. */
export interface SweepMeta {
  readonly fingerprint: string;
  /** The coordinator's software versions; workers with others refuse the sweep. */
  readonly packages: Readonly<Record<string, string>>;
  /** The coordinator's software fingerprint; workers and results of another are refused. */
  readonly software: Software;
  readonly points: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

const sweepMetaSchema = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits'),
  packages: json.pipe(z.record(z.string(), z.string())),
  software: json.pipe(softwareSchema),
  points: z.string().regex(/^\d+$/, 'expected a count').transform(Number),
  createdAt: z.string(),
  createdBy: z.string(),
});

/**
 * Moves a malformed key aside (renamed to `mtrl-bench:quarantine:<key>:<time>`, its reason in
 * `<that>:reason`), drops `queue` from the registry and warns naming both keys, so one bad key
 * never stops a worker or coordinator. @returns the new name
 */
async function quarantineKey(
  redis: Redis,
  key: string,
  problem: string,
  warn: (line: string) => void,
  queue?: string,
): Promise<string> {
  const aside = `${QUARANTINE_PREFIX}${key}:${new Date().toISOString()}`;
  const tx = redis.multi().rename(key, aside).set(`${aside}:reason`, problem);
  if (queue !== undefined) tx.zrem(REGISTRY_KEY, queue);
  await tx.exec();
  warn(`set aside the malformed Redis key ${key} as ${aside}: ${problem}`);
  return aside;
}

/**
 * The sweep registered on `queue`, if any. A malformed record (another type of key, a missing or
 * ill-typed field, bad JSON) is set aside with a warning naming the key, and reads as none.
 */
export async function readSweepMeta(
  redis: Redis,
  queue: string,
  warn: (line: string) => void = () => {},
): Promise<SweepMeta | undefined> {
  const key = metaKey(queue);
  const type = await redis.type(key);
  if (type === 'none') return undefined;
  if (type !== 'hash') {
    await quarantineKey(redis, key, `a ${type}, not a hash`, warn, queue);
    return undefined;
  }
  const parsed = sweepMetaSchema.safeParse(await redis.hgetall(key));
  if (parsed.success) return parsed.data as SweepMeta;
  const problem = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(fields)'}: ${i.message}`)
    .join('; ');
  await quarantineKey(redis, key, problem, warn, queue);
  return undefined;
}

/** Records the sweep of `queue` and lists it for workers. */
export async function registerSweep(redis: Redis, queue: string, meta: SweepMeta): Promise<void> {
  await redis
    .multi()
    .hset(metaKey(queue), {
      fingerprint: meta.fingerprint,
      packages: JSON.stringify(meta.packages),
      software: JSON.stringify(meta.software),
      points: String(meta.points),
      createdAt: meta.createdAt,
      createdBy: meta.createdBy,
    })
    .zadd(REGISTRY_KEY, 'NX', Date.parse(meta.createdAt) || Date.now(), queue)
    .exec();
}

/** Removes a finished (or cleared) sweep from the registry. */
export async function forgetSweep(redis: Redis, queue: string): Promise<void> {
  await redis.multi().del(metaKey(queue), workersKey(queue)).zrem(REGISTRY_KEY, queue).exec();
}

/**
 * The queues of registered sweeps, oldest first. A registry that is not a sorted set, and
 * members that are no queue name, are set aside with a warning.
 */
export async function registeredSweeps(
  redis: Redis,
  warn: (line: string) => void = () => {},
): Promise<string[]> {
  const type = await redis.type(REGISTRY_KEY);
  if (type === 'none') return [];
  if (type !== 'zset') {
    await quarantineKey(redis, REGISTRY_KEY, `a ${type}, not a sorted set`, warn);
    return [];
  }
  const names: string[] = [];
  for (const name of await redis.zrange(REGISTRY_KEY, 0, -1)) {
    try {
      names.push(checkQueueName(name));
    } catch (e) {
      await redis
        .multi()
        .zrem(REGISTRY_KEY, name)
        .zadd(`${QUARANTINE_PREFIX}${REGISTRY_KEY}`, Date.now(), name)
        .exec();
      warn(
        `set aside the malformed member ${JSON.stringify(name)} of the Redis key ${REGISTRY_KEY} into ${QUARANTINE_PREFIX}${REGISTRY_KEY}: ${(e as Error).message}`,
      );
    }
  }
  return names;
}

/** This process, as named in locks and job records. */
export const processName = `${hostname()}:${process.pid}`;

// Renewal also re-takes a lock that vanished (a Redis restarted without its data).
const RENEW = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] or not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** The coordinator lock of a queue, held while one coordinator records its sweep. */
export interface CoordinatorLock {
  /** Aborted if the lock is lost (another coordinator took over after a long stall). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Takes the coordinator lock of `queue`, so two coordinators never record (and remove) the same
 * sweep's results. The lock expires `ttlMs` after its holder stops renewing it, so a coordinator
 * restarted after a crash waits at most that long.
 *
 * @throws {Error} naming the holder if the lock stays taken for longer than `ttlMs` and a bit
 */
export async function acquireCoordinatorLock(
  redis: Redis,
  queue: string,
  log: (line: string) => void,
  ttlMs = 5000,
): Promise<CoordinatorLock> {
  const key = lockKey(queue);
  const owner = `${processName}:${Date.now()}`;
  const deadline = Date.now() + ttlMs + 2000;
  let announced = false;
  while ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') {
    const holder = (await redis.get(key)) ?? '?';
    if (Date.now() > deadline)
      throw new Error(
        `another coordinator (${holder}) is collecting the sweep on queue ${queue}; stop it first`,
      );
    if (!announced)
      log(`waiting for the lock of coordinator ${holder} on ${queue} (stopped or still running?)`);
    announced = true;
    await new Promise((r) => setTimeout(r, 250));
  }
  const ctl = new AbortController();
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, owner, ttlMs)
      .then((ok) => {
        if (ok === 0) ctl.abort(new Error(`lost the coordinator lock of queue ${queue}`));
      })
      .catch(() => {
        // A connection blip: the next renewal retries; the lock outlives a few misses.
      });
  }, ttlMs / 4);
  return {
    lost: ctl.signal,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, owner).catch(() => undefined);
    },
  };
}

/** A worker that has not sent a heartbeat for this long is not counted. */
const HEARTBEAT_MS = 15_000;

/** Notes that worker process `name` serves `queue` (repeat every few seconds). */
export async function heartbeat(redis: Redis, queue: string, name = processName): Promise<void> {
  await redis.zadd(workersKey(queue), Date.now(), name);
}

/** The worker processes that sent a heartbeat for `queue` in the last 15 s. */
export async function countWorkers(redis: Redis, queue: string): Promise<number> {
  const key = workersKey(queue);
  await redis.zremrangebyscore(key, '-inf', Date.now() - HEARTBEAT_MS);
  return redis.zcard(key);
}
