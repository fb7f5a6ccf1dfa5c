import {
  BASELINE_NAMES,
  BASELINES,
  type BaselineName,
  type BaselineSetup,
  type Representation,
} from '@mtrl/baselines';
import type { StudyConfig } from './config.js';
import { pretrainConfigOf, type SeedContext } from './setting.js';

/** Names of the methods a study can compare: the baselines registry of @mtrl/baselines. */
export function methodNames(): string[] {
  return [...BASELINE_NAMES];
}

/**
 * The config check the CLI adds to the schema: every method must be one of {@link methodNames}.
 *
 * @returns one problem per unknown method, naming the known ones
 */
export function checkMethods(cfg: StudyConfig): string[] {
  const known = methodNames();
  return cfg.methods
    .filter((m) => !known.includes(m))
    .map((m) => `methods: unknown method ${JSON.stringify(m)}; available: ${known.join(', ')}`);
}

/**
 * What every method of a seed is given: the seed's ground truth, tasks and inputs, the study's
 * pretraining config and the probe-feature options.
 */
export function baselineSetup(ctx: SeedContext, cfg: StudyConfig): BaselineSetup {
  return {
    gt: ctx.gt,
    suite: ctx.suite,
    inputs: ctx.inputs,
    config: pretrainConfigOf(cfg),
    features: { bias: { kind: 'normal', std: cfg.downstream.biasStd } },
  };
}

/**
 * Trains one method on one seed's context, through the common interface of @mtrl/baselines:
 * every method gets the same key (`ctx.methodKey`), ground truth, tasks, pretraining config and
 * probe-feature options, so they differ only in how they learn the first layer. Runs to its end
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
  return BASELINES[name as BaselineName](ctx.methodKey, baselineSetup(ctx, cfg));
}
