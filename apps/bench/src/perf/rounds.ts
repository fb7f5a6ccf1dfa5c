import { pretrain, pretrainAsync, suiteSource } from '@mtrl/pretrain';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { type DType, key, split } from '@mtrl/tensors';

/** Sizes of the pretraining rounds timed by `perf` (docs: Specification, 'Workload size'). */
export const ROUND_SIZES = {
  canonical: { d: 1024, r: 4, m: 256, T: 256, n1: 1024, n2: 1024 },
  quick: { d: 256, r: 4, m: 256, T: 64, n1: 1024, n2: 1024 },
  tiny: { d: 32, r: 2, m: 16, T: 4, n1: 64, n2: 64 },
  /** Where the projected sampler pays off: an explicit round here takes minutes. */
  large: { d: 16384, r: 4, m: 256, T: 256, n1: 1024, n2: 1024 },
} as const;

export type RoundSize = keyof typeof ROUND_SIZES;

/** How a timed round draws its samples (docs: Specification, 'The projected sampler'). */
export type Sampler = 'explicit' | 'projected';
export const SAMPLERS: readonly Sampler[] = ['explicit', 'projected'];

/**
 * Wall time of one pretraining round, `repeats` times after one warm-up round: with one thread
 * the synchronous `pretrain`, otherwise `pretrainAsync` on `threads` workers (started before the
 * first round, so pool start-up is not timed). The tasks and the run have fixed keys.
 */
export async function timeRounds(
  size: RoundSize,
  dtype: DType,
  threads: number,
  repeats: number,
  sampler: Sampler,
): Promise<number[]> {
  const shape = ROUND_SIZES[size];
  const [kg, ks] = split(key(2));
  const gt = groundTruth(kg, { d: shape.d, r: shape.r, dtype });
  const source = suiteSource(gt, taskSuite(ks, { kind: 'halfspace' }, gt, shape.T));
  const config = {
    m: shape.m,
    n1: shape.n1,
    n2: shape.n2,
    alpha: 1,
    eta: 1,
    rounds: repeats + 1,
    dtype,
    // Explicit rounds get the config they had before samplers existed.
    ...(sampler === 'projected' ? { sampler } : {}),
  };
  // key(0): the run that `seed: 0` gave before pretraining took its key first.
  const res =
    threads === 1
      ? pretrain(key(0), source, config)
      : await pretrainAsync(key(0), source, config, { threads });
  const ends = res.history.map((h) => h.elapsedMs / 1000);
  return ends.slice(2).map((t, r) => t - ends[r + 1]);
}
