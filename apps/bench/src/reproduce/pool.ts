import { livePoolWorkers, runOnWorkers, type WorkerPoolOutcome } from '../workerPool.js';
import type { Unit, UnitResult } from './experiments.js';
import type { ReproduceSize } from './sizes.js';

/** What a reproduce worker is sent: one unit of a size. @internal */
export interface UnitTask {
  readonly size: ReproduceSize;
  readonly unit: Unit;
}

/** Options of {@link runUnitsOnWorkers}. */
export interface PoolRunOptions {
  readonly size: ReproduceSize;
  readonly units: readonly Unit[];
  /** Indices into `units` in the order to start them (e.g. longest first). */
  readonly order: readonly number[];
  /** Worker threads to start (at most one per unit). */
  readonly jobs: number;
  /** Backend name each worker sets before its first unit. */
  readonly backend: string;
  /** Aborting terminates the workers at once; the units in progress are lost. */
  readonly signal: AbortSignal;
  /** Called in the main thread as each unit finishes, with its wall time on the worker. */
  readonly onDone: (index: number, result: UnitResult, seconds: number) => void;
}

/** Reproduce workers started and not yet ended (for tests). @internal */
export const liveReproduceWorkers = livePoolWorkers;

/**
 * Runs `units` on `jobs` worker threads (`./worker.js`, through the bench's worker pool), each
 * taking the next unit of `order` as it becomes free. Resolves when every unit has finished,
 * after the first failure (units in progress on other workers finish first; the error names the
 * unit) or at once on abort; the workers are terminated in every case.
 */
export function runUnitsOnWorkers(opts: PoolRunOptions): Promise<WorkerPoolOutcome> {
  return runOnWorkers<UnitTask, UnitResult>({
    callerUrl: import.meta.url,
    module: 'worker',
    workerData: { backend: opts.backend },
    tasks: opts.units.map((unit) => ({ size: opts.size, unit })),
    order: opts.order,
    jobs: opts.jobs,
    signal: opts.signal,
    onDone: opts.onDone,
  });
}
