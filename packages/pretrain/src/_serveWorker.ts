/**
 * The worker side of threaded pretraining: rebuilds the task source from its spec, then runs
 * tasks (sampling included) on the layer it is sent, returning each task's gradient buffers.
 * Runs unchanged under `node:worker_threads` and as a browser worker. The entries `worker.ts`
 * (public, `@mtrl/pretrain/worker`) and `_worker.ts` (its former name) call {@link serveWorker}.
 */
import type { Layer } from '@mtrl/network';
import {
  copy,
  type DType,
  fromTypedArray,
  type Matrix,
  setBackend,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { wirePieces } from './_algorithm.js';
import type { FromWorker, ToWorker } from './_protocol.js';
import {
  runTask,
  type TaskPieces,
  type TaskWorkspace,
  taskShapes,
  taskWorkspace,
} from './_runTask.js';
import type { TaskSource } from './source.js';
import { suiteSourceFromSpecAsync } from './suiteSourceSpec.js';

interface State {
  source: TaskSource;
  init: Extract<ToWorker, { type: 'init' }>;
  /** The algorithm's per-task pieces and the loss, rebuilt from their plain-data description. */
  pieces: TaskPieces;
  /** Samples and features, reused by every task this worker runs. */
  ws: TaskWorkspace;
  layer?: Layer;
}

let state: State | undefined;

// Module references (custom pieces, a custom loss) load asynchronously: `init` may return a
// promise, and every later message waits for it.
function handle(
  msg: ToWorker,
  post: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
): void | Promise<void> {
  switch (msg.type) {
    case 'init': {
      setBackend(msg.backend);
      return Promise.all([suiteSourceFromSpecAsync(msg.spec), wirePieces(msg.pieces)]).then(
        ([source, pieces]) => {
          state = { source, init: msg, pieces, ws: taskWorkspace(msg.ctx, msg.m, msg.d) };
        },
      );
    }
    case 'layer': {
      const s = need(state);
      const { layerRows, layerCols } = taskShapes(s.init.ctx, s.init.m, s.init.d);
      const activation = s.init.ctx.activation;
      s.layer = {
        w: fromTypedArray(msg.w, [layerRows, layerCols] as const),
        b: fromTypedArray(msg.b, [s.init.m] as const),
        ...(activation === undefined ? {} : { activation }),
      };
      return;
    }
    case 'release': {
      const s = need(state);
      if (s.layer === undefined) return;
      const { w, b } = s.layer;
      s.layer = undefined;
      post({ type: 'layer', w: w.data, b: b.data }, [
        w.data.buffer as ArrayBuffer,
        b.data.buffer as ArrayBuffer,
      ]);
      return;
    }
    case 'task': {
      const s = need(state);
      if (s.layer === undefined)
        throw new Error('pretrain worker: a task arrived before its layer');
      const { m, d, trainBias, ctx } = s.init;
      const dtype = ctx.dtype;
      const { gradCols } = taskShapes(ctx, m, d);
      const w: Matrix = msg.gradW
        ? fromTypedArray(msg.gradW, [m, gradCols] as const)
        : zeros([m, gradCols] as const, { dtype });
      const b: Vector | undefined = trainBias
        ? msg.gradB
          ? fromTypedArray(msg.gradB, [m] as const)
          : zeros([m] as const, { dtype })
        : undefined;
      const head = fromTypedArray(msg.head, [m] as const);
      const res = runTask<DType>(
        s.source,
        ctx,
        s.pieces,
        s.layer,
        head,
        msg.round,
        msg.t,
        b ? { w, b } : { w },
        s.ws,
      );
      const a = copy(res.head).data;
      const gh = res.headGradient === undefined ? undefined : copy(res.headGradient).data;
      const transfer = [w.data.buffer, a.buffer] as ArrayBuffer[];
      if (b) transfer.push(b.data.buffer as ArrayBuffer);
      if (gh) transfer.push(gh.buffer as ArrayBuffer);
      post(
        {
          type: 'result',
          round: msg.round,
          t: msg.t,
          gradW: w.data,
          ...(b ? { gradB: b.data } : {}),
          head: a,
          headLoss: res.headLoss,
          layerLoss: res.layerLoss,
          labelMean: res.labelMean,
          ...(res.headConverged === undefined ? {} : { headConverged: res.headConverged }),
          ...(gh === undefined ? {} : { headGradient: gh }),
        },
        transfer,
      );
      return;
    }
  }
}

function need(s: State | undefined): State {
  if (s === undefined) throw new Error('pretrain worker: message before init');
  return s;
}

function serve(post: (m: FromWorker, transfer?: ArrayBuffer[]) => void) {
  const report = (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', name: err.name, message: err.message });
  };
  const step = (msg: ToWorker): Promise<void> | undefined => {
    try {
      return handle(msg, post)?.catch(report);
    } catch (e) {
      report(e);
      return undefined;
    }
  };
  // After an asynchronous init (module references load), messages are handled in order on a
  // promise chain, each once the previous one is done.
  let tail: Promise<void> | undefined;
  return (msg: ToWorker) => {
    if (tail === undefined) tail = step(msg);
    else tail = tail.then(() => step(msg));
  };
}

const WORKER_THREADS = 'node:worker_threads';

/**
 * Serves the pretraining protocol on this thread: answers the messages of the calling thread's
 * pool (`parentPort` under `node:worker_threads`, the worker's global scope in a browser) and
 * posts `{ type: 'ready' }` once listening. Call once, from a worker entry module. @internal
 */
export function serveWorker(): void {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  if (typeof proc?.versions?.node === 'string') {
    // No top-level await: bundlers' default browser targets (es2020) reject it.
    void import(/* @vite-ignore */ WORKER_THREADS).then((wt) => {
      const { parentPort } = wt as {
        parentPort: {
          on(event: 'message', fn: (m: ToWorker) => void): void;
          postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
        };
      };
      const post = (m: FromWorker, transfer?: ArrayBuffer[]) => parentPort.postMessage(m, transfer);
      parentPort.on('message', serve(post));
      post({ type: 'ready' });
    });
  } else {
    const scope = globalThis as unknown as {
      addEventListener(type: 'message', fn: (e: { data: ToWorker }) => void): void;
      postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
    };
    const post = (m: FromWorker, transfer?: ArrayBuffer[]) => scope.postMessage(m, transfer);
    const serveBrowser = serve(post);
    scope.addEventListener('message', (e) => serveBrowser(e.data));
    post({ type: 'ready' });
  }
}
