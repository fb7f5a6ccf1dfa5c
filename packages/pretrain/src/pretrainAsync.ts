import type { DType, Key } from '@mtrl/tensors';
import { loadRefs } from './_algorithm.js';
import { localExecutor } from './_executor.js';
import { isPending, notify, runRounds, setupRun } from './_rounds.js';
import { threadedExecutor } from './_threadedExecutor.js';
import { resolveThreads } from './_threads.js';
import { type PretrainConfig, resolveConfig } from './config.js';
import type { PretrainOptions, PretrainResult } from './pretrain.js';
import type { TaskSource } from './source.js';

/**
 * Runs multi-task pretraining asynchronously: yields to the event loop between tasks, so
 * progress can be drawn and an `AbortSignal` (for example from Ctrl-C) is honoured after the
 * task in progress, and runs the tasks of each round on `options.threads` worker threads
 * (`node:worker_threads` in Node, module Web Workers in browsers). Each worker draws its tasks'
 * samples itself from the source's `spec`; the result is bit-for-bit that of one thread.
 *
 * Each worker runs the `@mtrl/pretrain/worker` entry: by default the `worker.js` file next to
 * the package's modules (found by Node, Vite and webpack 5); after a bundler that does not emit
 * it (esbuild), pass the URL of your bundle of that entry as `options.workerUrl`, or a function
 * starting a worker on it as `options.createWorker`.
 *
 * Module references in the config (a custom loss or algorithm piece, `{ module, export?,
 * params? }`) are loaded here before the run, and in every worker; head steps, layer gradients
 * and losses given as objects cannot cross to workers (a `RangeError` naming the option with
 * threads > 1).
 *
 * @param key - the run's key; the same key gives `pretrain`'s result, bit for bit
 * @param source - the tasks; with threads > 1 it needs a `spec` (see `suiteSource`)
 * @param config - every knob; validated up front, all bad fields named in one error
 * @param options - callbacks, probes, `signal`, `threads` (default 1), `workerUrl` or
 * `createWorker`
 * @returns a promise of the trained layer, final heads, per-round history and resolved config
 * @throws {RangeError} (as a rejection) for an invalid config, source or `threads`
 * @throws {TypeError} (as a rejection) for a malformed `workerUrl` or `createWorker`, both
 * given, or a `createWorker` that returns no worker; an error thrown in a worker, or a worker
 * that fails to load, rejects the promise with its message, and the workers are terminated in
 * every case
 * @example
 * const res = await pretrainAsync(key(0), source, { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1 }, { threads: 2 });
 * // with esbuild, which does not emit the worker: bundle '@mtrl/pretrain/worker' as an entry too
 * await pretrainAsync(k, source, config, { threads: 2, workerUrl: new URL('./pretrain-worker.js', import.meta.url) });
 */
export async function pretrainAsync<D extends DType>(
  key: Key,
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): Promise<PretrainResult<D>> {
  // Module references of the config (pieces, loss) are loaded here, before anything runs.
  const setup = setupRun(key, source, config, options, await loadRefs(resolveConfig(config)));
  let threads = Math.min(await resolveThreads(options.threads), setup.T);
  const spec = source.spec;
  if (threads > 1 && spec === undefined) {
    notify(
      options,
      `pretrain: this source has no spec (a user-defined sampler, or custom tasks whose function lives on this thread: give the family as { kind: 'custom', module } with taskSuiteAsync), so its tasks run on one thread instead of ${threads}`,
    );
    threads = 1;
  }
  const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  if (threads <= 1 || spec === undefined) {
    const exec = localExecutor(
      source,
      setup.ctx,
      setup.taskPieces,
      setup.cfg.m,
      setup.cfg.trainBias,
    );
    const it = runRounds(setup, options, exec);
    for (;;) {
      const step = it.next();
      if (step.done) return step.value;
      await yieldToEventLoop();
    }
  }
  const wire = setup.pieces.wire;
  if ('missing' in wire)
    throw new RangeError(
      `pretrain: ${wire.missing} is an object, which cannot cross to worker threads; give it as a module reference { module, export?, params } (loaded in each worker), or run with threads: 1`,
    );
  const exec = await threadedExecutor<D>(
    spec,
    setup.ctx,
    wire,
    { m: setup.cfg.m, d: setup.d, tasks: setup.T, trainBias: setup.cfg.trainBias },
    threads,
    { workerUrl: options.workerUrl, createWorker: options.createWorker },
  );
  try {
    const it = runRounds(setup, options, exec);
    let input: unknown;
    for (;;) {
      const step = it.next(input);
      input = undefined;
      if (step.done) return step.value;
      // Waiting for a worker already yields to the event loop; so does the end of a round.
      if (isPending(step.value)) input = await step.value.pending;
      else if ('headLoss' in step.value) await yieldToEventLoop();
    }
  } finally {
    await exec.close();
  }
}
