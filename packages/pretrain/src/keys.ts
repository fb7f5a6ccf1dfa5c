import { type Key, split } from '@mtrl/tensors';

/** The independent keys of a run, all derived from the run's key (`pretrain(key, ...)`). */
export interface RunKeys {
  /** First-layer initialisation. */
  readonly init: Key;
  /** Initial heads. */
  readonly heads: Key;
  /** Root of every data batch; batches are addressed with `batchKey` from @mtrl/tasks. */
  readonly data: Key;
}

/**
 * Splits a run's key into its independent streams: `split(key, 3)` as `{ init, heads, data }`.
 * `initLayer(runKeys(k).init, { d, m, weights, bias, dtype })` of @mtrl/network is the initial
 * layer of `pretrain(k, ...)` with that config.
 *
 * @example
 * const layer0 = initLayer(runKeys(key(0)).init, { d: 64, m: 32 });
 */
export function runKeys(root: Key): RunKeys {
  const [init, heads, data] = split(root, 3);
  return { init, heads, data };
}
