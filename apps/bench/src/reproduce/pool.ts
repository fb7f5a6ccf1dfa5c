import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../spawnWorker.js';
import type { Unit, UnitResult } from './experiments.js';
import type { ReproduceSize } from './sizes.js';

/** A message to a reproduce worker: run `unit` (number `index` of the run). @internal */
export interface ToWorker {
  readonly index: number;
  readonly size: ReproduceSize;
  readonly unit: Unit;
}

/** A message from a reproduce worker. @internal */
export type ToMain =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly index: number;
      readonly result: UnitResult;
      /** Wall time of the unit on its worker. */
      readonly seconds: number;
    }
  | {
      readonly type: 'failed';
      readonly index: number;
      readonly message: string;
      readonly stack: string;
    };

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

/** Why a pooled run ended early. */
export interface PoolOutcome {
  readonly aborted: boolean;
  /** The first unit error (the run stops starting units after it), if any. */
  readonly error?: Error;
}

let live = 0;

/** Reproduce workers started and not yet ended (for tests). @internal */
export function liveReproduceWorkers(): number {
  return live;
}

/**
 * Runs `units` on `jobs` worker threads, each taking the next unit of `order` as it becomes free.
 * Resolves when every unit has finished, after the first failure (units in progress on other
 * workers finish first) or at once on abort; the workers are terminated in every case.
 */
export function runUnitsOnWorkers(opts: PoolRunOptions): Promise<PoolOutcome> {
  const queue = [...opts.order];
  const workers: Worker[] = [];
  let busy = 0;
  let error: Error | undefined;
  let settled = false;
  return new Promise<PoolOutcome>((resolve) => {
    const finish = (outcome: PoolOutcome) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      Promise.all(
        workers.map((w) => {
          live--;
          return w.terminate();
        }),
      ).then(
        () => resolve(outcome),
        () => resolve(outcome),
      );
    };
    const onAbort = () => finish({ aborted: true, error });
    const feed = (w: Worker) => {
      const index = error === undefined ? queue.shift() : undefined;
      if (index === undefined) {
        if (busy === 0) finish({ aborted: false, error });
        return;
      }
      busy++;
      w.postMessage({ index, size: opts.size, unit: opts.units[index] } satisfies ToWorker);
    };
    if (opts.signal.aborted) return finish({ aborted: true });
    opts.signal.addEventListener('abort', onAbort);
    const n = Math.max(1, Math.min(opts.jobs, opts.units.length));
    for (let i = 0; i < n; i++) {
      const w = spawnWorker(import.meta.url, 'worker', { backend: opts.backend });
      live++;
      workers.push(w);
      w.on('message', (msg: ToMain) => {
        if (settled) return;
        // 'ready' (imports and WebAssembly compiled) and every finished unit ask for the next.
        if (msg.type === 'done') {
          busy--;
          opts.onDone(msg.index, msg.result, msg.seconds);
        } else if (msg.type === 'failed') {
          busy--;
          const u = opts.units[msg.index];
          error ??= Object.assign(
            new Error(`reproduce: unit ${JSON.stringify(u)} failed: ${msg.message}`),
            { stack: msg.stack },
          );
        }
        feed(w);
      });
      w.on('error', (e) => {
        if (settled) return;
        error ??= e instanceof Error ? e : new Error(String(e));
        finish({ aborted: false, error });
      });
      w.on('exit', (code) => {
        if (settled) return;
        error ??= new Error(`reproduce: a worker exited unexpectedly with code ${code}`);
        finish({ aborted: false, error });
      });
    }
  });
}
