/**
 * A small pool of module workers behind one interface: `node:worker_threads` in Node, Web Workers
 * (`type: 'module'`) in browsers, chosen at runtime. Messages are structured clones; ArrayBuffers
 * listed in `transfer` are moved, not copied. SharedArrayBuffer is never required.
 */

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

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', fn: (message: unknown) => void): void;
  on(event: 'error', fn: (error: Error) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): Promise<number>;
}
type NodeWorkerClass = new (
  url: URL | string,
  opts?: { eval?: boolean; execArgv?: string[] },
) => NodeWorker;

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
 * Running from the TypeScript sources (vitest, tsx), Node cannot load `_worker.ts` directly:
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
  const entry = new URL(/* @vite-ignore */ './_worker.ts', import.meta.url).href;
  return {
    code: `(async () => { const m = await import(${JSON.stringify(api)}); (m.register ?? m.default.register)(); await import(${JSON.stringify(entry)}); })().catch((e) => { setImmediate(() => { throw e; }); });`,
    execArgv: ['--conditions=@mtrl/source'],
  };
}

async function spawnNode(events: WorkerEvents): Promise<WorkerHandle> {
  const { Worker } = (await import(/* @vite-ignore */ WORKER_THREADS)) as {
    Worker: NodeWorkerClass;
  };
  let worker: NodeWorker;
  if (import.meta.url.endsWith('.ts')) {
    const boot = await sourceWorkerBoot();
    worker = new Worker(boot.code, { eval: true, execArgv: boot.execArgv });
  } else worker = new Worker(new URL('./_worker.js', import.meta.url));
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

function spawnBrowser(events: WorkerEvents): WorkerHandle {
  if (typeof Worker === 'undefined')
    throw new Error('pretrain: threads need Web Workers, and this environment has none');
  // This exact form lets bundlers (Vite, webpack 5) find and emit the worker module.
  const worker = new Worker(new URL('./_worker.js', import.meta.url), { type: 'module' });
  let ended = false;
  worker.addEventListener('message', (e) => events.onMessage(e.data));
  worker.addEventListener('messageerror', () =>
    events.onError(new Error('pretrain: a worker message could not be deserialised')),
  );
  worker.addEventListener('error', (e) => {
    e.preventDefault?.();
    events.onError(new Error(e.message || 'pretrain: the worker failed to load or threw'));
  });
  return {
    post: (m, transfer) => worker.postMessage(m, (transfer ?? []) as Transferable[]),
    terminate: async () => {
      if (ended) return;
      ended = true;
      live--;
      worker.terminate();
    },
  };
}

/**
 * Starts one worker running `_worker.js` beside this module (or `_worker.ts` from sources).
 * @internal
 */
export async function spawnWorker(
  events: WorkerEvents,
  env: WorkerEnv = 'auto',
): Promise<WorkerHandle> {
  const node = env === 'node' || (env === 'auto' && isNode());
  const handle = node ? await spawnNode(events) : spawnBrowser(events);
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
 * Spawns `size` workers and resolves once each has posted `{ type: 'ready' }`; later messages go
 * to `onMessage(i, message)`, failures to `onError`. On a failure during start-up every worker
 * is terminated and the promise rejects. @internal
 */
export async function createWorkerPool(
  size: number,
  onMessage: (i: number, message: unknown) => void,
  onError: (error: Error) => void,
  env: WorkerEnv = 'auto',
): Promise<WorkerPool> {
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
          onError: (e) => (started ? onError(e) : failStart(e)),
        },
        env,
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
