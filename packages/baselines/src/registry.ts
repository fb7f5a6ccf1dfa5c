import { fixedHeads } from './fixedHeads.js';
import { jointSgd } from './jointSgd.js';
import { methodOfMoments } from './methodOfMoments.js';
import { multiTask } from './multiTask.js';
import { oracle } from './oracle.js';
import { randomFeatures } from './randomFeatures.js';
import { singleTask } from './singleTask.js';
import type { Baseline } from './types.js';

/** The names of the methods in {@link BASELINES}. */
export type BaselineName =
  | 'multiTask'
  | 'randomFeatures'
  | 'singleTask'
  | 'fixedHeads'
  | 'jointSgd'
  | 'oracle'
  | 'methodOfMoments';

/**
 * Every method behind one interface, `(key, setup) -> Representation`, with default options:
 * the main method (`multiTask`) and the baselines (docs: Specification, 'Baselines'). Swap one
 * for another by name.
 * @example
 * for (const name of BASELINE_NAMES) {
 *   const rep = BASELINES[name](key(2), setup);
 *   console.log(name, subspaceEnergy(rep.layer.w, setup.gt));
 * }
 */
export const BASELINES: Readonly<Record<BaselineName, Baseline>> = {
  multiTask: (key, setup) => multiTask(key, setup),
  randomFeatures,
  singleTask: (key, setup) => singleTask(key, setup),
  fixedHeads: (key, setup) => fixedHeads(key, setup),
  jointSgd: (key, setup) => jointSgd(key, setup),
  oracle,
  methodOfMoments: (key, setup) => methodOfMoments(key, setup),
};

/** The keys of {@link BASELINES}, main method first. */
export const BASELINE_NAMES: readonly BaselineName[] = [
  'multiTask',
  'randomFeatures',
  'singleTask',
  'fixedHeads',
  'jointSgd',
  'oracle',
  'methodOfMoments',
];
