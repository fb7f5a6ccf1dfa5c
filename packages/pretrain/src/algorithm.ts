import type { Batch, Layer, LayerGradWorkspace, LossSpec } from '@mtrl/network';
import type { Transform } from '@mtrl/optim';
import type { ModuleRef } from '@mtrl/tasks';
import type { DType, Matrix, Vector } from '@mtrl/tensors';
import type { HeadUpdate, LayerOptimizer } from './config.js';

/**
 * The shipped pretraining algorithms (docs: Specification, 'Pretraining' and 'Baselines'):
 * - `'paper'`: each task's own head is adapted on S1 (`config.head`), then the first-layer
 *   gradient on fresh S2 samples at the adapted head; W takes one optimizer step on the mean.
 * - `'joint-sgd'`: no inner step; all T heads and W (and b) trained jointly by SGD, head and layer
 *   gradients at the same parameters on each task's fresh S2 batch (heads at step size
 *   `alpha`, W at `eta`).
 * - `'fomaml'`: first-order MAML: one shared head a0; each task adapts its copy of (W, a) by
 *   `config.head.steps` gradient steps of size alpha on S1; the gradient on S2 at the adapted
 *   parameters updates W and a0 (step size eta).
 * - `'anil'`: like FOMAML, but the inner loop adapts the shared head only (`config.head`).
 */
export type AlgorithmName = 'paper' | 'joint-sgd' | 'fomaml' | 'anil';

/** The names of {@link AlgorithmName}, default first. */
export const ALGORITHM_NAMES: readonly AlgorithmName[] = ['paper', 'joint-sgd', 'fomaml', 'anil'];

/** A loss as the pieces receive it: a name of @mtrl/network or a loss object (`LossSpec`). */
export type LossLike = LossSpec;

/** What a {@link HeadStep} is given for one task of one round. */
export interface HeadStepInput<D extends DType = DType> {
  /** The shared layer `{ w: [m, d], b: [m] }` (not to be modified). */
  readonly layer: Layer<D>;
  /** The task's starting head `[m]` (not to be modified). */
  readonly head: Vector<D>;
  /** The task's S1 samples `{ x: [n1, d], y: [n1] }` (labels centred when `centerLabels`). */
  readonly s1: Batch<D>;
  readonly loss: LossLike;
  /** The config's step size alpha. */
  readonly alpha: number;
  /** A buffer `[n1, m]` the step may use for the features of S1. */
  readonly features?: Matrix<D>;
}

/** What a {@link HeadStep} returns. */
export interface HeadStepResult<D extends DType = DType> {
  /** The adapted head `[m]`. */
  readonly head: Vector<D>;
  /** An adapted copy of the layer (first-order MAML); absent: the shared layer. */
  readonly layer?: Layer<D>;
  /** The mean S1 loss before adaptation. */
  readonly headLoss: number;
  /** Whether an iterative solve converged (reported as `headConvergedFraction`). */
  readonly headConverged?: boolean;
}

/**
 * The inner adaptation of each task on its S1 samples (first piece of an algorithm). Runs per
 * task, on the calling thread or on a worker (where it must come from a `ModuleRef`).
 * @example
 * // two half steps instead of one full one
 * const halfSteps: HeadStep = {
 *   name: 'half-steps',
 *   samples: true,
 *   adapt: ({ layer, head, s1, loss, alpha }) => { ... return { head: a, headLoss }; },
 * };
 */
export interface HeadStep {
  readonly name: string;
  /** `false`: the step uses no samples, S1 is not drawn and `adapt` is not called. */
  readonly samples: boolean;
  adapt<D extends DType>(input: HeadStepInput<D>): HeadStepResult<D>;
}

/** What a {@link LayerGradientStep} is given for one task of one round. */
export interface LayerGradientInput<D extends DType = DType> {
  /** The layer after the head step (the shared one unless the head step adapted a copy). */
  readonly layer: Layer<D>;
  /** The adapted head `[m]`. */
  readonly head: Vector<D>;
  /** The task's fresh S2 samples `{ x: [n2, d], y: [n2] }`. */
  readonly s2: Batch<D>;
  readonly loss: LossLike;
  /** This task's weight in the reduction (the reduction's `weight(t, T)`, 1/T by default). */
  readonly weight: number;
  /** The weight of the head's gradient: `weight` for a shared head, 1 for per-task heads. */
  readonly headWeight: number;
  /** Overwrite with `weight * dL/dW` (`[m, d]`) and, when present, `weight * dL/db` (`[m]`). */
  readonly out: { readonly w: Matrix<D>; readonly b?: Vector<D> };
  /** Reusable forward buffers for batches of n2 samples. */
  readonly workspace?: LayerGradWorkspace<D>;
}

/**
 * The per-task gradient on S2 at the adapted parameters (second piece). It writes the weighted
 * layer gradient into `out` and returns the mean S2 loss and, when `headGradient` is true,
 * `headWeight * dL/da` (`[m]`): the head is then trained by the layer update instead of being
 * set to the adapted head.
 */
export interface LayerGradientStep {
  readonly name: string;
  readonly headGradient: boolean;
  compute<D extends DType>(input: LayerGradientInput<D>): { loss: number; head?: Vector<D> };
}

/** A task's weighted gradients, or their running combination: `w: [m, d]`, `b: [m]`, `head: [m]`. */
export interface TaskGradients<D extends DType = DType> {
  readonly w: Matrix<D>;
  readonly b?: Vector<D>;
  /** The shared head's gradient (shared heads with a head gradient only). */
  readonly head?: Vector<D>;
}

/**
 * How the tasks' gradients combine (third piece): on the calling thread, in task order 0..T-1,
 * whatever thread computed each task, so results do not depend on the thread count.
 */
export interface Reduction {
  readonly name: string;
  /** Task t's weight, applied by the layer-gradient step as it computes; default 1 / T. */
  weight?(t: number, T: number): number;
  /** Adds task t's weighted gradients into `acc` (zero at the start of each round), in place. */
  add<D extends DType>(acc: TaskGradients<D>, task: TaskGradients<D>, t: number, T: number): void;
}

/** The built-in per-task layer gradients, by name. */
export type LayerGradientName =
  /** The paper's: dL/dW (and dL/db when `trainBias`) only; heads are set to the adapted ones. */
  | 'layer'
  /** dL/dW, dL/db and dL/da at the same parameters: heads are trained by the layer update. */
  | 'layer-and-head';

/** Reductions as plain data. */
export type ReductionSpec =
  /** The weighted mean, weight 1/T, summed in task order (default). */
  | 'mean'
  /** Fixed weights, one per task, summed in task order. */
  | { readonly kind: 'weighted'; readonly weights: readonly number[] };

/** A piece given by a module reference (loaded on the calling thread and in each worker). */
export type PieceRef = ModuleRef;

/**
 * An algorithm's four pieces, each optional (defaults from `base`, itself `'paper'` by
 * default). Plain data (names and `ModuleRef`s) survives being sent to workers or queued as a
 * job; piece objects work from code (head step and layer gradient on the calling thread only).
 */
export interface AlgorithmPieces {
  /** The shipped algorithm the missing pieces come from; default `'paper'`. */
  readonly base?: AlgorithmName;
  /**
   * Where each task's head starts: its own head, kept across rounds (`'per-task'`, the paper,
   * joint SGD), or one shared head a0 (`'shared'`, FOMAML, ANIL; trained only by a layer
   * gradient that gives the head's gradient).
   */
  readonly heads?: 'per-task' | 'shared';
  /**
   * Inner adaptation on S1: a `HeadUpdate` (`step`, `fit`, `fixed`), `{ mode: 'maml', steps }`
   * (gradient steps on a copy of W, b and the head), a module reference or a {@link HeadStep}.
   */
  readonly headStep?: HeadUpdate | PieceRef | HeadStep;
  /** Per-task gradient on S2: a {@link LayerGradientName}, a module reference or a step. */
  readonly layerGradient?: LayerGradientName | PieceRef | LayerGradientStep;
  /** Task-order combination: a {@link ReductionSpec}, a module reference or a {@link Reduction}. */
  readonly reduction?: ReductionSpec | PieceRef | Reduction;
  /**
   * The update of W (and b, and the heads when they have gradients): a `LayerOptimizer` (with
   * learning rate eta), a module reference or any optim `Transform` over the parameters
   * `{ w, b?, heads?: [T, m] | head?: [m] }`.
   */
  readonly update?: LayerOptimizer | PieceRef | Transform<unknown>;
}

/** `config.algorithm`: a shipped algorithm's name, or pieces over one. */
export type AlgorithmSpec = AlgorithmName | AlgorithmPieces;
