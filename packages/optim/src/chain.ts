import type { Params, Transform } from './types.js';

/** The state type of a transform. */
export type StateOf<T> = T extends Transform<infer S> ? S : never;

/** State of {@link chain}: the states of its transforms, in order. */
export type ChainState<T extends readonly Transform<unknown>[]> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * Composes transforms left to right: the updates of each one are the gradients of the next,
 * and every one receives the same `params`. `chain(a, b)` computes `b(a(g))`.
 *
 * @param transforms - the transforms, applied in order
 * @returns a transform whose state is the tuple of their states
 * @throws {TypeError} when an argument is not a transform, or (in `update`) when the state is
 *   not an array with one entry per transform
 * @example
 * // SGD with momentum 0.9 and learning rate 0.01
 * const opt = chain(trace(0.9), scaleByLearningRate(0.01));
 * const state = opt.init(params); // [TraceState, ScaleByLearningRateState]
 */
export function chain<const T extends readonly Transform<unknown>[]>(
  ...transforms: T
): Transform<ChainState<T>> {
  transforms.forEach((t, i) => {
    if (
      t === null ||
      typeof t !== 'object' ||
      typeof t.init !== 'function' ||
      typeof t.update !== 'function'
    ) {
      throw new TypeError(`chain: transforms[${i}] must be a transform with init and update`);
    }
  });
  return {
    init(params) {
      return transforms.map((t) => t.init(params)) as unknown as ChainState<T>;
    },
    update(grads, state, params) {
      if (!Array.isArray(state) || state.length !== transforms.length) {
        const E = Array.isArray(state) ? RangeError : TypeError;
        throw new E(
          `chain.update: state must be an array of ${transforms.length} states (one per transform), got ${Array.isArray(state) ? `an array of ${state.length}` : typeof state}`,
        );
      }
      let updates: Params = grads;
      const next: unknown[] = [];
      for (let i = 0; i < transforms.length; i++) {
        const [u, s] = transforms[i].update(updates, state[i], params);
        updates = u;
        next.push(s);
      }
      return [updates, next as unknown as ChainState<T>];
    },
  };
}
