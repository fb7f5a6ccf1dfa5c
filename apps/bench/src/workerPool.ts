import { parentPort, type Worker } from 'node:worker_threads';
import { spawnWorker } from './spawnWorker.js';

/** A message to a pool worker: run `task` (number `index` of the run). @internal */
export interface ToPoolWorker<T> {
  readonly index: number;
  readonly task: T;
}

/** A message from a pool worker. @internal */
export type FromPoolWorker<R> =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly index: number; readonly result: R; readonly seconds: number }
  | {
      readonly type: 'failed';
      readonly index: number;
      readonly message: string;
      readonly stack: string;
    };

/** Options of {@link runOnWorkers}. */
export interface WorkerPoolOptions<T, R> {
  /** The worker thread module, as `spawnWorker` takes it: its name beside `callerUrl`. */
  readonly callerUrl: string;
  readonly module: string;
  /** Passed to every worker (e.g. the backend it sets before its first task). */
  readonly workerData: unknown;
  readonly tasks: readonly T[];
  /** Indices into `tasks` in the order to start them (default: in order). */
  readonly order?: readonly number[];
  /** Worker threads to start (at most one per task). */
  readonly jobs: number;
  /** Aborting terminates the workers at once; the tasks in progress are lost. */
  readonly signal: AbortSignal;
  /** Called in the main thread as each task finishes, with its wall time on the worker. */
  readonly onDone: (index: number, result: R, seconds: number) => void;
  /**
   * Called as a task throws; the other tasks go on. Without it, the first failure ends the run
   * (the tasks in progress finish first) and is returned as the outcome's error.
   */
  readonly onFailed?: (index: number, error: Error) => void;
}

/** Why a pooled run ended. */
export interface WorkerPoolOutcome {
  readonly aborted: boolean;
  /** The first task error (without `onFailed`) or a worker that died, if any. */
  readonly error?: Error;
}

let live = 0;

/** Pool workers started and not yet ended (for tests). @internal */
export function livePoolWorkers(): number {
  return live;
}

/**
 * Runs `tasks` on `jobs` worker threads (the module `module`, which calls {@link serveTasks}),
 * each taking the next task of `order` as it becomes free. Resolves when every task has
 * finished, at once on abort, or after a failure that ends the run; the workers are terminated
 * in every case.
 */
export function runOnWorkers<T, R>(opts: WorkerPoolOptions<T, R>): Promise<WorkerPoolOutcome> {
  const queue = [...(opts.order ?? opts.tasks.keys())];
  const workers: Worker[] = [];
  let busy = 0;
  let error: Error | undefined;
  let settled = false;
  return new Promise<WorkerPoolOutcome>((resolve) => {
    const finish = (outcome: WorkerPoolOutcome) => {
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
      w.postMessage({ index, task: opts.tasks[index] } satisfies ToPoolWorker<T>);
    };
    if (opts.signal.aborted) return finish({ aborted: true });
    if (queue.length === 0) return finish({ aborted: false });
    opts.signal.addEventListener('abort', onAbort);
    const n = Math.max(1, Math.min(opts.jobs, queue.length));
    for (let i = 0; i < n; i++) {
      const w = spawnWorker(opts.callerUrl, opts.module, opts.workerData);
      live++;
      workers.push(w);
      w.on('message', (msg: FromPoolWorker<R>) => {
        if (settled) return;
        // 'ready' (imports and WebAssembly compiled) and every finished task ask for the next.
        if (msg.type === 'done') {
          busy--;
          opts.onDone(msg.index, msg.result, msg.seconds);
        } else if (msg.type === 'failed') {
          busy--;
          const e = Object.assign(new Error(msg.message), { stack: msg.stack });
          if (opts.onFailed) opts.onFailed(msg.index, e);
          else error ??= e;
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
        error ??= new Error(`a worker thread exited unexpectedly with code ${code}`);
        finish({ aborted: false, error });
      });
    }
  });
}

/**
 * The worker side of {@link runOnWorkers}: runs the tasks it is sent with `run`, one at a time,
 * and posts each result (or error) back. Call it once, at the top of a worker thread module.
 */
export function serveTasks<T, R>(run: (task: T) => R | Promise<R>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks: must run in a worker thread');
  port.on('message', async (msg: ToPoolWorker<T>) => {
    const t0 = performance.now();
    try {
      const result = await run(msg.task);
      const seconds = (performance.now() - t0) / 1000;
      port.postMessage({
        type: 'done',
        index: msg.index,
        result,
        seconds,
      } satisfies FromPoolWorker<R>);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({
        type: 'failed',
        index: msg.index,
        message: err.message,
        stack: err.stack ?? '',
      } satisfies FromPoolWorker<R>);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromPoolWorker<R>);
}
