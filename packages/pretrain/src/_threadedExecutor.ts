import type { Layer } from '@mtrl/network';
import {
  allocate,
  copyInto,
  type DataFor,
  type DType,
  fromTypedArray,
  getBackend,
  type Vector,
} from '@mtrl/tensors';
import type { WirePieces } from './_algorithm.js';
import type { TaskExecutor, TaskOutcome } from './_executor.js';
import { createWorkerPool, type WorkerEnv, type WorkerPool } from './_pool.js';
import type { FromWorker, ToWorker } from './_protocol.js';
import { type TaskContext, taskShapes } from './_runTask.js';
import type { SuiteSourceSpec } from './suiteSourceSpec.js';
import type { PretrainWorkerOptions } from './workerOptions.js';

/** A {@link TaskExecutor} on worker threads; `close` terminates them. @internal */
export interface ThreadedExecutor<D extends DType> extends TaskExecutor<D> {
  close(): Promise<void>;
}

interface Slot<D extends DType> {
  /** Tasks sent to this worker and not yet returned (at most DEPTH). */
  inflight: number;
  /** Who holds this worker's layer buffers. */
  layer: 'none' | 'here' | 'worker' | 'returning';
  /** The round whose layer the worker holds. */
  layerRound: number;
  w?: DataFor<D>;
  b?: DataFor<D>;
}

const remoteError = (name: string, message: string): Error => {
  const E = name === 'RangeError' ? RangeError : name === 'TypeError' ? TypeError : Error;
  return new E(message);
};

// Tasks queued per worker: the next task is already there when one finishes, so a worker does
// not wait for the calling thread (busy, or descheduled on a loaded machine) between tasks.
const DEPTH = 2;

/**
 * Runs the tasks of each round on `threads` workers. Tasks go to workers in order, up to DEPTH
 * queued on each; results arrive in any order and wait until every earlier task has been taken,
 * so the caller reduces in task order. At most `(DEPTH + 1) * threads` tasks are dispatched and
 * not yet released, which bounds the gradient buffers alive at once whatever the number of
 * tasks. Gradient and layer buffers travel as transferred ArrayBuffers and come back for reuse:
 * no full-size allocation per round in steady state. The workers come from `workers`
 * (`workerUrl` or `createWorker`) when given, else from the package's own `worker.js`.
 * @internal
 */
export async function threadedExecutor<D extends DType>(
  spec: SuiteSourceSpec,
  ctx: TaskContext,
  pieces: WirePieces,
  shape: { m: number; d: number; tasks: number; trainBias: boolean },
  threads: number,
  workers: PretrainWorkerOptions = {},
  env: WorkerEnv = 'auto',
): Promise<ThreadedExecutor<D>> {
  const { m, d, tasks: T, trainBias } = shape;
  const dtype = ctx.dtype as D;
  // The tasks' layer and gradient buffers: [m, d] each for the explicit sampler.
  const { layerRows, layerCols, gradCols } = taskShapes(ctx, m, d);
  const window = (DEPTH + 1) * threads;
  const slots: Slot<D>[] = Array.from({ length: threads }, () => ({
    inflight: 0,
    layer: 'none',
    layerRound: -1,
  }));
  const free: { w: DataFor<D>; b?: DataFor<D> }[] = [];
  const ready = new Map<number, TaskOutcome<D>>();
  let waiter: { t: number; resolve(o: TaskOutcome<D>): void; reject(e: Error): void } | undefined;
  let failure: Error | undefined;
  let round = 0;
  let layer: Layer<D> | undefined;
  let headOf: ((t: number) => Vector<D>) | undefined;
  let next = T; // next task to dispatch
  let taken = 0; // tasks handed to the caller and released

  const fail = (e: Error) => {
    if (failure !== undefined) return;
    failure = e;
    waiter?.reject(e);
    waiter = undefined;
  };

  const onMessage = (i: number, raw: unknown) => {
    const msg = raw as FromWorker;
    const slot = slots[i];
    if (msg.type === 'error') return fail(remoteError(msg.name, msg.message));
    if (msg.type === 'layer') {
      slot.layer = 'here';
      slot.w = msg.w as DataFor<D>;
      slot.b = msg.b as DataFor<D>;
    } else if (msg.type === 'result') {
      slot.inflight--;
      const outcome: TaskOutcome<D> = {
        gradW: fromTypedArray(msg.gradW as DataFor<D>, [m, gradCols] as const),
        ...(msg.gradB ? { gradB: fromTypedArray(msg.gradB as DataFor<D>, [m] as const) } : {}),
        head: fromTypedArray(msg.head as DataFor<D>, [m] as const),
        headLoss: msg.headLoss,
        layerLoss: msg.layerLoss,
        labelMean: msg.labelMean,
        ...(msg.headConverged === undefined ? {} : { headConverged: msg.headConverged }),
        ...(msg.headGradient === undefined
          ? {}
          : { headGradient: fromTypedArray(msg.headGradient as DataFor<D>, [m] as const) }),
      };
      if (waiter?.t === msg.t) {
        const w = waiter;
        waiter = undefined;
        w.resolve(outcome);
      } else ready.set(msg.t, outcome);
    }
    pump();
  };

  const pool: WorkerPool = await createWorkerPool(threads, onMessage, fail, env, workers);
  for (let i = 0; i < threads; i++) {
    const init: ToWorker = {
      type: 'init',
      spec,
      backend: getBackend(),
      ctx,
      pieces,
      m,
      d,
      trainBias,
    };
    pool.post(i, init);
  }

  function sendLayer(i: number, slot: Slot<D>, l: Layer<D>) {
    const w = slot.w ?? allocate(dtype, layerRows * layerCols);
    const b = slot.b ?? allocate(dtype, m);
    copyInto(fromTypedArray(w, [layerRows, layerCols] as const), l.w);
    copyInto(fromTypedArray(b, [m] as const), l.b);
    slot.w = undefined;
    slot.b = undefined;
    slot.layer = 'worker';
    slot.layerRound = round;
    pool.post(i, { type: 'layer', w, b } satisfies ToWorker, [
      w.buffer as ArrayBuffer,
      b.buffer as ArrayBuffer,
    ]);
  }

  function dispatch(i: number, slot: Slot<D>, h: (t: number) => Vector<D>) {
    const t = next++;
    const head = allocate(dtype, m);
    copyInto(fromTypedArray(head, [m] as const), h(t));
    const spare = free.pop();
    const transfer: ArrayBuffer[] = [head.buffer as ArrayBuffer];
    if (spare) transfer.push(spare.w.buffer as ArrayBuffer);
    if (spare?.b) transfer.push(spare.b.buffer as ArrayBuffer);
    slot.inflight++;
    const msg: ToWorker = {
      type: 'task',
      round,
      t,
      head,
      ...(spare ? { gradW: spare.w } : {}),
      ...(spare?.b ? { gradB: spare.b } : {}),
    };
    pool.post(i, msg, transfer);
  }

  function pump() {
    if (failure !== undefined || layer === undefined || headOf === undefined) return;
    // Level by level, so the first tasks of a round spread over all workers.
    for (let level = 1; level <= DEPTH; level++) {
      for (let i = 0; i < threads; i++) {
        const slot = slots[i];
        if (slot.inflight >= level || slot.layer === 'returning') continue;
        if (slot.layer === 'worker' && slot.layerRound !== round) {
          // Stale layer from an earlier round (whose tasks have all returned): have it sent
          // back, then send this round's.
          slot.layer = 'returning';
          pool.post(i, { type: 'release' } satisfies ToWorker);
          continue;
        }
        const more = next < T && next < taken + window;
        if (slot.layer !== 'worker') {
          if (more) sendLayer(i, slot, layer);
          else continue;
        }
        if (more) dispatch(i, slot, headOf);
        else if (next >= T && slot.inflight === 0) {
          // Nothing left this round: return the layer buffers early for the next round.
          slot.layer = 'returning';
          pool.post(i, { type: 'release' } satisfies ToWorker);
        }
      }
    }
  }

  return {
    beginRound(r, l, h) {
      round = r;
      layer = l;
      headOf = h;
      next = 0;
      taken = 0;
      ready.clear();
      pump();
    },
    take(t) {
      if (failure !== undefined) return Promise.reject(failure);
      const got = ready.get(t);
      if (got !== undefined) {
        ready.delete(t);
        return got;
      }
      return new Promise<TaskOutcome<D>>((resolve, reject) => {
        waiter = { t, resolve, reject };
      });
    },
    release(outcome) {
      free.push(
        outcome.gradB
          ? { w: outcome.gradW.data, b: outcome.gradB.data }
          : { w: outcome.gradW.data },
      );
      taken++;
      pump();
    },
    close: () => pool.close(),
  };
}
