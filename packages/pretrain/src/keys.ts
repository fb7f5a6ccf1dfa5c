import { type Key, split } from '@mtrl/tensors';

/** The independent keys of a run, all derived from `key(seed)`. */
export interface RunKeys {
  /** First-layer initialisation. */
  readonly init: Key;
  /** Initial heads. */
  readonly heads: Key;
  /** Root of every data batch; batches are addressed with `batchKey` from @mtrl/tasks. */
  readonly data: Key;
}

/** Splits a run's root key into its independent streams. */
export function runKeys(root: Key): RunKeys {
  const [init, heads, data] = split(root, 3);
  return { init, heads, data };
}
