/**
 * A small pool of module workers behind one interface: `node:worker_threads` in Node, Web Workers
 * (`type: 'module'`) in browsers, chosen at runtime, or whatever `options.createWorker` returns.
 * Messages are structured clones; ArrayBuffers listed in `transfer` are moved, not copied.
 * SharedArrayBuffer is never required.
 */
import {
  describeValue,
  type NodeWorkerLike,
  type PretrainWorkerOptions,
  type WebWorkerLike,
} from './workerOptions.js';

/** A worker seen from the calling thread. @internal */
export interface WorkerHandle {
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  terminate(): Promise<void>;
}

/** Callbacks of {@link spawnWorker}. @internal */
export interface WorkerEvents {
  onMessage(message: unknown): void;
  onError(error: Error): void;
}

/** Which worker implementation to use; `auto` picks Node's when `process.versions.node` exists. */
export type WorkerEnv = 'auto' | 'node' | 'browser';

type NodeWorkerClass = new (
  url: URL | string,
  opts?: { eval?: boolean; execArgv?: string[] },
) => NodeWorkerLike;

// Specifiers in variables keep browser bundlers from resolving Node built-ins.
const WORKER_THREADS = 'node:worker_threads';
const NODE_MODULE = 'node:module';
const NODE_URL = 'node:url';

/** True in Node (and Deno/Bun's Node mode), false in browsers and their workers. @internal */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

let live = 0;

/** Workers spawned and not yet terminated or exited (for tests). @internal */
export function liveWorkers(): number {
  return live;
}

/**
 * Running from the TypeScript sources (vitest, tsx), Node cannot load `worker.ts` directly:
 * this script registers tsx's loader, then imports it. Spawn it with `eval: true` and
 * `--conditions=@mtrl/source`, so the worker runs exactly the code its caller runs. @internal
 */
export async function sourceWorkerBoot(): Promise<{ code: string; execArgv: string[] }> {
  const { createRequire } = (await import(/* @vite-ignore */ NODE_MODULE)) as {
    createRequire(url: string): { resolve(id: string): string };
  };
  const { pathToFileURL } = (await import(/* @vite-ignore */ NODE_URL)) as {
    pathToFileURL(path: string): URL;
  };
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const entry = new URL(/* @vite-ignore */ './worker.ts', import.meta.url).href;
  return {
    code: `(async () => { const m = await import(${JSON.stringify(api)}); (m.register ?? m.default.register)(); await import(${JSON.stringify(entry)}); })().catch((e) => { setImmediate(() => { throw e; }); });`,
    execArgv: ['--conditions=@mtrl/source'],
  };
}

/** The hint appended to start-up failures of the default worker file. */
const BUNDLER_HINT =
  "if a bundler moved pretrain's modules away from their worker.js (esbuild does), bundle '@mtrl/pretrain/worker' as an entry of its own and pass options.workerUrl or options.createWorker (see the README of @mtrl/pretrain, Bundlers)";

function adoptNode(worker: NodeWorkerLike, events: WorkerEvents): WorkerHandle {
  let ended = false;
  worker.on('message', (m) => events.onMessage(m));
  worker.on('error', (e) => events.onError(e instanceof Error ? e : new Error(String(e))));
  worker.on('exit', (code) => {
    if (!ended) {
      ended = true;
      live--;
      events.onError(new Error(`pretrain: a worker exited unexpectedly with code ${code}`));
    }
  });
  return {
    post: (m, transfer) => worker.postMessage(m, transfer),
    terminate: async () => {
      if (ended) return;
      ended = true;
      live--;
      await worker.terminate();
    },
  };
}

function adoptWeb(worker: WebWorkerLike, events: WorkerEvents, what: string): WorkerHandle {
  let ended = false;
  worker.addEventListener('message', (e) => events.onMessage((e as { data?: unknown }).data));
  worker.addEventListener('messageerror', () =>
    events.onError(new Error('pretrain: a worker message could not be deserialised')),
  );
  worker.addEventListener('error', (event) => {
    const e = event as { message?: string; preventDefault?: () => void };
    e.preventDefault?.();
    // A module that fails to load (a 404, a syntax error) gives an error event with no message.
    events.onError(new Error(e.message || `pretrain: ${what} failed to load or threw`));
  });
  return {
    post: (m, transfer) => worker.postMessage(m, (transfer ?? []) as ArrayBuffer[]),
    terminate: async () => {
      if (ended) return;
      ended = true;
      live--;
      worker.terminate();
    },
  };
}

/** A `string | URL` as `node:worker_threads` wants it: it takes URLs only as URL objects. */
const nodeWorkerUrl = (url: string | URL): string | URL =>
  typeof url === 'string' && /^(file|data):/i.test(url) ? new URL(url) : url;

async function nodeWorkerClass(): Promise<NodeWorkerClass> {
  const { Worker } = (await import(/* @vite-ignore */ WORKER_THREADS)) as {
    Worker: NodeWorkerClass;
  };
  return Worker;
}

async function spawnNode(
  events: WorkerEvents,
  url: string | URL | undefined,
): Promise<WorkerHandle> {
  const Worker = await nodeWorkerClass();
  if (url !== undefined) return adoptNode(new Worker(nodeWorkerUrl(url)), events);
  if (import.meta.url.endsWith('.ts')) {
    const boot = await sourceWorkerBoot();
    return adoptNode(new Worker(boot.code, { eval: true, execArgv: boot.execArgv }), events);
  }
  return adoptNode(new Worker(new URL('./worker.js', import.meta.url)), events);
}

function spawnBrowser(events: WorkerEvents, url: string | URL | undefined): WorkerHandle {
  if (typeof Worker === 'undefined')
    throw new Error('pretrain: threads need Web Workers, and this environment has none');
  if (url !== undefined)
    return adoptWeb(
      new Worker(url, { type: 'module' }),
      events,
      `the worker module at options.workerUrl (${String(url)})`,
    );
  // This exact form lets bundlers (Vite, webpack 5) find and emit the worker module.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return adoptWeb(worker, events, 'the worker module worker.js');
}

async function spawnCustom(
  events: WorkerEvents,
  create: NonNullable<PretrainWorkerOptions['createWorker']>,
): Promise<WorkerHandle> {
  const worker: unknown = await create();
  const has = (name: string) =>
    typeof (worker as Record<string, unknown> | null)?.[name] === 'function';
  if (has('postMessage') && has('terminate')) {
    if (has('on')) return adoptNode(worker as NodeWorkerLike, events);
    if (has('addEventListener'))
      return adoptWeb(worker as WebWorkerLike, events, 'the worker from options.createWorker');
  }
  throw new TypeError(
    `pretrain: options.createWorker: expected it to return a Web Worker or a node:worker_threads Worker, got ${describeValue(worker)}`,
  );
}

/**
 * Starts one worker: from `custom` when given (`createWorker`, else `workerUrl`), otherwise the
 * `worker.js` beside this module (or `worker.ts` from sources). @internal
 */
export async function spawnWorker(
  events: WorkerEvents,
  env: WorkerEnv = 'auto',
  custom: PretrainWorkerOptions = {},
): Promise<WorkerHandle> {
  let handle: WorkerHandle;
  if (custom.createWorker !== undefined) handle = await spawnCustom(events, custom.createWorker);
  else if (env === 'node' || (env === 'auto' && isNode()))
    handle = await spawnNode(events, custom.workerUrl);
  else handle = spawnBrowser(events, custom.workerUrl);
  live++;
  return handle;
}

/** Workers that have all said `{ type: 'ready' }`. @internal */
export interface WorkerPool {
  readonly size: number;
  post(i: number, message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Terminates every worker; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Spawns `size` workers (from `custom` when given, see {@link spawnWorker}) and resolves once
 * each has posted `{ type: 'ready' }`; later messages go to `onMessage(i, message)`, failures to
 * `onError`. On a failure during start-up every worker is terminated and the promise rejects;
 * for the default worker file the error says how to point the pool at a bundled worker. @internal
 */
export async function createWorkerPool(
  size: number,
  onMessage: (i: number, message: unknown) => void,
  onError: (error: Error) => void,
  env: WorkerEnv = 'auto',
  custom: PretrainWorkerOptions = {},
): Promise<WorkerPool> {
  const isDefault = custom.workerUrl === undefined && custom.createWorker === undefined;
  const handles: WorkerHandle[] = [];
  const close = async () => {
    await Promise.all(handles.map((h) => h.terminate()));
  };
  let started = false;
  let failStart: (e: Error) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  startFailed.catch(() => {});
  const ready: Promise<void>[] = [];
  try {
    for (let i = 0; i < size; i++) {
      let markReady: () => void = () => {};
      ready.push(new Promise<void>((resolve) => (markReady = resolve)));
      const handle = await spawnWorker(
        {
          onMessage: (m) => {
            if (!started && (m as { type?: unknown })?.type === 'ready') markReady();
            else onMessage(i, m);
          },
          onError: (e) =>
            started
              ? onError(e)
              : failStart(isDefault ? new Error(`${e.message}; ${BUNDLER_HINT}`, { cause: e }) : e),
        },
        env,
        custom,
      );
      handles.push(handle);
    }
    await Promise.race([Promise.all(ready), startFailed]);
  } catch (e) {
    await close();
    throw e;
  }
  started = true;
  return {
    size,
    post: (i, m, transfer) => handles[i].post(m, transfer),
    close,
  };
}
