import type { Tensor } from '@mtrl/tensors';

/**
 * Named parameter tensors, for example `{ w: Matrix, b: Vector }`. Gradients, updates and
 * optimizer buffers use the same record shape: one tensor per parameter name.
 */
export type Params = Readonly<Record<string, Tensor>>;

/**
 * A gradient transformation as an init/update pair (optax's `GradientTransformation`).
 *
 * `init` builds the state for some parameters; `update` maps gradients (or the updates of the
 * previous transform in a {@link chain}) and the current state to updates and a new state. Both
 * are pure: arguments are never modified, and the returned state is a new value, so a run can be
 * saved, replayed or forked at any step.
 *
 * @typeParam S - the state type, named after the transform (`ScaleByAdamState`, ...)
 * @example
 * const opt = adam(1e-3);
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 * state = next;
 */
export interface Transform<S> {
  /** The initial state for `params` (buffers are zero tensors of the same shapes and dtypes). */
  init(params: Params): S;
  /**
   * Transforms `grads` into updates and returns them with the new state. `params` is needed only
   * by transforms that read the parameters ({@link addDecayedWeights}).
   */
  update(grads: Params, state: S, params?: Params): [Params, S];
}

/**
 * A learning-rate (or any hyperparameter) schedule: its value at optimizer step `step`, where
 * the first update is step 0.
 */
export type Schedule = (step: number) => number;

/** The state of a transform that keeps nothing between steps. */
export type EmptyState = Readonly<Record<never, never>>;
