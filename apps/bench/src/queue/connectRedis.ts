import { Redis } from 'ioredis';
import { redactUrl } from './redisUrl.js';

/** Raised when Redis cannot be reached or refuses us; the message names the URL. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/**
 * Connects to Redis and checks that it answers, giving up after `timeoutMs` instead of
 * retrying forever (ioredis's default). Once connected, the client reconnects on its own
 * with a capped backoff, as BullMQ expects of a long-lived connection
 * (`maxRetriesPerRequest: null`).
 *
 * The database of the URL (`/DB`) is selected explicitly and checked: ioredis alone would fall
 * back to database 0 without a word when the server has no such database.
 *
 * @throws {RedisUnreachableError} naming the URL and the reason (refused, no answer, bad
 *   password, no such database)
 */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  let connected = false;
  let lastError = '';
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (connected ? Math.min(times * 250, 2000) : null),
  });
  client.on('error', (e: Error) => {
    lastError = e.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (e) {
    client.disconnect();
    const reason = lastError !== '' ? lastError : (e as Error).message;
    clearTimeout(timer);
    throw new RedisUnreachableError(
      `cannot reach Redis at ${redactUrl(url)}: ${reason}. Check that redis-server runs there and that this machine can reach it (--queue redis://HOST:PORT[/DB]).`,
    );
  }
  const db = Number(new URL(url).pathname.replace(/^\//, '') || '0');
  try {
    await Promise.race([client.select(db), timeout]);
    connected = true;
    return client;
  } catch (e) {
    client.disconnect();
    throw new RedisUnreachableError(
      `Redis at ${redactUrl(url)} refuses database ${db}: ${(e as Error).message} (a server has databases 0 to its \`databases\` setting - 1, 16 by default); choose another /DB in --queue`,
    );
  } finally {
    clearTimeout(timer);
  }
}
