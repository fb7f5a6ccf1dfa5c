/**
 * The worker entry of threaded `pretrainAsync`, exported as `@mtrl/pretrain/worker`. Importing
 * this module turns the current thread into a pretraining worker: it answers the messages of
 * the pool that started it (under `node:worker_threads` or as a browser Web Worker, module or
 * classic) and exports nothing.
 *
 * The pool starts `worker.js` beside its own module by default, which works unbundled (Node)
 * and with bundlers that follow `new Worker(new URL('./worker.js', import.meta.url))` (Vite,
 * webpack 5). With a bundler that does not (esbuild), make this module an entry point of its
 * own and pass its URL as `options.workerUrl`, or a function starting it as
 * `options.createWorker` (see the package README, Bundlers). Use it as an entry point, not as a
 * bare `import '@mtrl/pretrain/worker'` from your own worker: the package is marked free of side
 * effects, so bundlers may drop such an import.
 *
 * @example
 * // esbuild: entryPoints: { app: 'src/app.ts', 'pretrain-worker': '@mtrl/pretrain/worker' }
 * await pretrainAsync(k, source, config, {
 *   threads: 2,
 *   workerUrl: new URL('./pretrain-worker.js', import.meta.url),
 * });
 * @packageDocumentation
 */
import { serveWorker } from './_serveWorker.js';

serveWorker();
