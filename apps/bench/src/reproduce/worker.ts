/**
 * The worker thread of a parallel `mtrl-bench reproduce`: sets the backend it is given, then runs
 * the units it is sent, one at a time, and posts each unit's measurements (or its error, naming
 * the unit) back.
 */
import { workerData } from 'node:worker_threads';
import { setBackend } from '@mtrl/tensors';
import { serveTasks } from '../workerPool.js';
import { runUnit } from './experiments.js';
import type { UnitTask } from './pool.js';

setBackend((workerData as { backend: string }).backend);
serveTasks(({ size, unit }: UnitTask) => {
  try {
    return runUnit(size, unit);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    throw Object.assign(
      new Error(`reproduce: unit ${JSON.stringify(unit)} failed: ${err.message}`),
      { stack: err.stack },
    );
  }
});
