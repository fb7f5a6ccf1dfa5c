import { rangeError, typeError } from '@mtrl/tensors';
import { isNode } from './_pool.js';

/**
 * Throws unless `threads` is undefined, an integer >= 1 or `'auto'`: a `TypeError` for
 * another type, a `RangeError` for another number or string. @internal
 */
export function checkThreads(threads: unknown): void {
  if (threads === undefined || threads === 'auto') return;
  const expected = "an integer >= 1 or 'auto'";
  if (typeof threads !== 'number' && typeof threads !== 'string')
    typeError('pretrain', 'options.threads', expected, threads);
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1)
    rangeError('pretrain', 'options.threads', expected, threads);
}

const NODE_OS = 'node:os';

/** The number of threads to use: `'auto'` is the available cores (at least 1). @internal */
export async function resolveThreads(threads: number | 'auto' | undefined): Promise<number> {
  checkThreads(threads);
  if (threads !== 'auto') return threads ?? 1;
  if (isNode()) {
    const os = (await import(/* @vite-ignore */ NODE_OS)) as {
      availableParallelism?: () => number;
      cpus(): unknown[];
    };
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}
