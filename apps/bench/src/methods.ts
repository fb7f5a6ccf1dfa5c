import { BASELINE_NAMES, BASELINES, type BaselineName, type Representation } from '@mtrl/baselines';
import type { StudyConfig } from './config.js';
import { pretrainConfigOf, type SeedContext } from './setting.js';

/** Names of the methods a study can compare: the baselines registry of @mtrl/baselines. */
export function methodNames(): string[] {
  return [...BASELINE_NAMES];
}

/**
 * Trains one method on one seed's context, through the common interface of @mtrl/baselines:
 * every method gets the same key, ground truth, tasks, pretraining config and probe-feature
 * options, so they differ only in how they learn the first layer. Runs to its end
 * (synchronously); callers check for interruption between methods.
 *
 * @throws {RangeError} for an unknown method name
 */
export function trainMethod(name: string, ctx: SeedContext, cfg: StudyConfig): Representation {
  if (!(BASELINE_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(
      `unknown method ${JSON.stringify(name)}; available: ${methodNames().join(', ')}`,
    );
  }
  return BASELINES[name as BaselineName](ctx.methodKey, {
    gt: ctx.gt,
    suite: ctx.suite,
    inputs: ctx.inputs,
    config: pretrainConfigOf(cfg, ctx.pretrainSeed),
    features: { bias: { kind: 'normal', std: cfg.downstream.biasStd } },
  });
}
