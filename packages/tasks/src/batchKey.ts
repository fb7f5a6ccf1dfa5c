import { assertKey, checkInt, foldIn, type Key } from '@mtrl/tensors';

/**
 * The key of one batch, addressed by (purpose, round, task):
 * `foldIn(foldIn(foldIn(runKey, fnv1a(purpose)), round), taskIndex)`, where `fnv1a` is the
 * 32-bit FNV-1a hash of the purpose's UTF-16 code units.
 *
 * Because the key is computed from the address and not from a shared stream, task t's batch in
 * round k is the same whatever other batches were drawn, in whatever order: tasks can be
 * sampled in parallel, skipped or added without changing the others' data. Use a distinct
 * purpose for each independent sample of a round (for example `'head'` for the n1 samples
 * that adapt a head and `'layer'` for the n2 samples of the layer step, so the two are
 * independent, as pretraining requires; docs: Specification, 'Keys and reproducibility').
 *
 * @param runKey - the key of the run
 * @param round - round index, an integer >= 0
 * @param taskIndex - task index, an integer >= 0
 * @param purpose - a label for what the batch is for, a non-empty string
 * @returns a key for `sampleTask`
 * @throws {RangeError} when round or taskIndex is not a non-negative integer, or purpose is empty
 * @example
 * const s1 = sampleTask(batchKey(run, 0, t, 'head'), tasks[t], gt, dist, n1);
 * const s2 = sampleTask(batchKey(run, 0, t, 'layer'), tasks[t], gt, dist, n2);
 */
export function batchKey(runKey: Key, round: number, taskIndex: number, purpose: string): Key {
  const op = 'batchKey';
  assertKey(op, runKey);
  checkInt(op, 'round', round, { min: 0, max: Number.MAX_SAFE_INTEGER });
  checkInt(op, 'taskIndex', taskIndex, { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (typeof purpose !== 'string' || purpose.length === 0) {
    throw new RangeError(
      `${op}: purpose must be a non-empty string, got ${JSON.stringify(purpose)}`,
    );
  }
  return foldIn(foldIn(foldIn(runKey, fnv1a(purpose)), round), taskIndex);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
