import type { FloatArray } from '@mtrl/tensors';
import type { WirePieces } from './_algorithm.js';
import type { TaskContext } from './_runTask.js';
import type { SuiteSourceSpec } from './suiteSourceSpec.js';

/** Messages from the pretraining thread to a worker. @internal */
export type ToWorker =
  | {
      readonly type: 'init';
      readonly spec: SuiteSourceSpec;
      /** The tensor backend in use by the caller: the worker selects the same one. */
      readonly backend: string;
      readonly ctx: TaskContext;
      /** The per-task pieces of the algorithm and the loss, as plain data. */
      readonly pieces: WirePieces;
      readonly m: number;
      readonly d: number;
      readonly trainBias: boolean;
    }
  /**
   * The round's layer as its tasks see it (W and b; `[W B^T; M B^T]` and b under the projected
   * sampler): the worker keeps these buffers until `release`.
   */
  | { readonly type: 'layer'; readonly w: FloatArray; readonly b: FloatArray }
  | {
      readonly type: 'task';
      readonly round: number;
      readonly t: number;
      /** Task t's current head, `[m]`. */
      readonly head: FloatArray;
      /**
       * Buffers to reuse for the result (`[m, gradCols]`, `[m]`; gradCols is d for the explicit
       * sampler), when the caller has spare ones.
       */
      readonly gradW?: FloatArray;
      readonly gradB?: FloatArray;
    }
  /** Send the layer buffers back (the worker is idle until the next round). */
  | { readonly type: 'release' };

/** Messages from a worker. @internal */
export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'result';
      readonly round: number;
      readonly t: number;
      readonly gradW: FloatArray;
      readonly gradB?: FloatArray;
      readonly head: FloatArray;
      readonly headLoss: number;
      readonly layerLoss: number;
      readonly labelMean: number;
      readonly headConverged?: boolean;
      /** The head's gradient, when the layer-gradient step gives it. */
      readonly headGradient?: FloatArray;
    }
  | { readonly type: 'layer'; readonly w: FloatArray; readonly b: FloatArray }
  | { readonly type: 'error'; readonly name: string; readonly message: string };
