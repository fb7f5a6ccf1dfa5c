/**
 * The worker thread of a parallel `mtrl-bench reproduce`: sets the backend it is given, then runs
 * the units it is sent, one at a time, and posts each unit's measurements (or its error) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setBackend } from '@mtrl/tensors';
import { runUnit } from './experiments.js';
import type { ToMain, ToWorker } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('reproduce/worker: must run in a worker thread');
setBackend((workerData as { backend: string }).backend);
port.on('message', (msg: ToWorker) => {
  try {
    const t0 = performance.now();
    const result = runUnit(msg.size, msg.unit);
    const seconds = (performance.now() - t0) / 1000;
    port.postMessage({ type: 'done', index: msg.index, result, seconds } satisfies ToMain);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      type: 'failed',
      index: msg.index,
      message: err.message,
      stack: err.stack ?? '',
    } satisfies ToMain);
  }
});
port.postMessage({ type: 'ready' } satisfies ToMain);
