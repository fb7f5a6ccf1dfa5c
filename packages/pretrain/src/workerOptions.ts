/**
 * Where `pretrainAsync`'s worker threads come from when the default (the `worker.js` file beside
 * the package's own modules) is not there, as after bundling with esbuild: a URL of the bundled
 * `@mtrl/pretrain/worker` entry, or a function that starts a worker running it.
 */

/**
 * The parts of a browser Web Worker (or any look-alike) that the pool uses. A `Worker` of the
 * DOM fits.
 */
export interface WebWorkerLike {
  /** Sends a message; the buffers in `transfer` are moved, not copied. */
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** Receives `message` events (`event.data`), `messageerror` and `error` (`event.message`). */
  addEventListener(
    type: 'message' | 'messageerror' | 'error',
    listener: (event: unknown) => void,
  ): void;
  /** Stops the worker at once. */
  terminate(): void;
}

/**
 * The parts of a `node:worker_threads` `Worker` that the pool uses (told apart from a Web
 * Worker by its `on` method).
 */
export interface NodeWorkerLike {
  /** Sends a message; the buffers in `transferList` are moved, not copied. */
  postMessage(message: unknown, transferList?: readonly ArrayBuffer[]): void;
  /** Receives `message` (the value), `error` (an Error) and `exit` (the exit code). */
  on(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): unknown;
  /** Stops the worker; may return a promise. */
  terminate(): unknown;
}

/** A worker running the `@mtrl/pretrain/worker` entry: a Web Worker or a Node worker thread. */
export type PretrainWorker = WebWorkerLike | NodeWorkerLike;

/**
 * The worker options of `pretrainAsync` (part of `PretrainOptions`). Give at most one; without
 * either, each worker loads the package's own `worker.js`, next to its other modules. Both
 * only matter when more than one thread runs.
 *
 * @example
 * // esbuild, with entryPoints { app: 'src/app.ts', 'pretrain-worker': '@mtrl/pretrain/worker' }
 * const url = new URL('./pretrain-worker.js', import.meta.url);
 * await pretrainAsync(k, source, config, { threads: 2, workerUrl: url });
 * await pretrainAsync(k, source, config, { threads: 2, createWorker: () => new Worker(url, { type: 'module' }) });
 * // Vite: import PretrainWorker from '@mtrl/pretrain/worker?worker';
 * await pretrainAsync(k, source, config, { threads: 2, createWorker: () => new PretrainWorker() });
 */
export interface PretrainWorkerOptions {
  /**
   * The URL of the `@mtrl/pretrain/worker` entry as your bundler emitted it, for example
   * `new URL('./pretrain-worker.js', import.meta.url)`. Browsers start it as a module worker
   * (`new Worker(url, { type: 'module' })`), resolved against the page as `new Worker` does; Node
   * starts it with `new Worker(url)` from `node:worker_threads` (a `file:` URL, or an absolute
   * path or one starting with `./`, from the working directory).
   */
  workerUrl?: string | URL;
  /**
   * Starts one worker running the `@mtrl/pretrain/worker` entry; called once per thread, and
   * may return a promise. Return a Web Worker (for example `new MyWorker()` from Vite's
   * `import MyWorker from '@mtrl/pretrain/worker?worker'`) or a `node:worker_threads` Worker.
   * The pool terminates it when the run ends.
   */
  createWorker?: () => PretrainWorker | Promise<PretrainWorker>;
}

/**
 * Throws unless `options.workerUrl` and `options.createWorker` are absent or well formed, and
 * not both given.
 * @throws {TypeError} naming the bad option and its value
 * @internal
 */
export function checkWorkerOptions(options: PretrainWorkerOptions | undefined): void {
  const url = options?.workerUrl;
  const create = options?.createWorker;
  if (url !== undefined && !(url instanceof URL) && (typeof url !== 'string' || url === ''))
    throw new TypeError(
      `pretrain: options.workerUrl: expected a non-empty string or a URL of the @mtrl/pretrain/worker entry, got ${describeValue(url)}`,
    );
  if (create !== undefined && typeof create !== 'function')
    throw new TypeError(
      `pretrain: options.createWorker: expected a function returning a Web Worker or a node:worker_threads Worker, got ${describeValue(create)}`,
    );
  if (url !== undefined && create !== undefined)
    throw new TypeError(
      'pretrain: options.workerUrl and options.createWorker: give one or the other, not both',
    );
}

/** A short description of a bad option value for an error message. @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
