import type { LossName } from '@mtrl/network';
import type { Transform } from '@mtrl/optim';
import { isModuleRef, loadModuleRef, type ModuleRef } from '@mtrl/tasks';
import type {
  AlgorithmPieces,
  HeadStep,
  LayerGradientName,
  LayerGradientStep,
  LossLike,
  Reduction,
  ReductionSpec,
} from './algorithm.js';
import { baseOf, type LayerOptimizer, type ResolvedPretrainConfig } from './config.js';
import {
  type HeadStepData,
  headStep,
  layerGradient,
  layerOptimizer,
  reduction,
  splitHeadsTransform,
} from './pieces.js';

/** The per-task pieces as plain data, for worker threads. @internal */
export interface WirePieces {
  readonly headStep: HeadStepData | ModuleRef;
  readonly layerGradient: LayerGradientName | ModuleRef;
  readonly loss: LossName | ModuleRef;
}

/** An algorithm's pieces, resolved for one run. @internal */
export interface RunPieces {
  readonly heads: 'per-task' | 'shared';
  readonly headStep: HeadStep;
  readonly layerGradient: LayerGradientStep;
  readonly reduction: Reduction;
  readonly update: Transform<unknown>;
  readonly loss: LossLike;
  /** The per-task pieces as data for workers, or the option that is an object instead. */
  readonly wire: WirePieces | { readonly missing: string };
}

/** Objects loaded from the config's module references (by `pretrainAsync`). @internal */
export interface LoadedRefs {
  readonly headStep?: HeadStep;
  readonly layerGradient?: LayerGradientStep;
  readonly reduction?: Reduction;
  readonly update?: Transform<unknown>;
  readonly loss?: LossLike;
}

const pieces = (cfg: ResolvedPretrainConfig): AlgorithmPieces =>
  typeof cfg.algorithm === 'string' ? {} : cfg.algorithm;

/** The head-step spec of a run: the algorithm's, else the base algorithm's from `config.head`. */
function headStepSpec(cfg: ResolvedPretrainConfig): HeadStepData | ModuleRef | HeadStep {
  const given = pieces(cfg).headStep;
  if (given !== undefined) {
    if (!isModuleRef(given) && (given as HeadStepData).mode === 'maml')
      return { bias: cfg.trainBias, ...(given as HeadStepData) } as HeadStepData;
    return given;
  }
  if (baseOf(cfg.algorithm) === 'fomaml') {
    const steps = cfg.head.mode === 'step' ? (cfg.head.steps ?? 1) : 1;
    return { mode: 'maml', steps, bias: cfg.trainBias };
  }
  return cfg.head;
}

function layerGradientSpec(
  cfg: ResolvedPretrainConfig,
): LayerGradientName | ModuleRef | LayerGradientStep {
  return (
    pieces(cfg).layerGradient ?? (baseOf(cfg.algorithm) === 'paper' ? 'layer' : 'layer-and-head')
  );
}

const refError = (option: string): RangeError =>
  new RangeError(
    `pretrain: ${option} is a module reference, which only pretrainAsync loads; load it with loadModuleRef of @mtrl/tasks and pass the object, or call pretrainAsync`,
  );

/**
 * Resolves the four pieces of a run's algorithm, and its loss, to objects; module references
 * must have been loaded (`loaded`, by {@link loadRefs}). @internal
 */
export function resolvePieces(cfg: ResolvedPretrainConfig, loaded: LoadedRefs = {}): RunPieces {
  const base = baseOf(cfg.algorithm);
  const given = pieces(cfg);
  const heads = given.heads ?? (base === 'paper' || base === 'joint-sgd' ? 'per-task' : 'shared');
  const hsSpec = headStepSpec(cfg);
  const lgSpec = layerGradientSpec(cfg);
  const pick = <T>(spec: unknown, option: string, got: T | undefined, make: () => T): T => {
    if (isModuleRef(spec)) {
      if (got === undefined) throw refError(option);
      return got;
    }
    return make();
  };
  const hs = pick(hsSpec, 'config.algorithm.headStep', loaded.headStep, () =>
    typeof (hsSpec as HeadStep).adapt === 'function'
      ? (hsSpec as HeadStep)
      : headStep(hsSpec as HeadStepData),
  );
  const lg = pick(lgSpec, 'config.algorithm.layerGradient', loaded.layerGradient, () =>
    typeof lgSpec === 'string'
      ? layerGradient(lgSpec as LayerGradientName)
      : (lgSpec as LayerGradientStep),
  );
  const redSpec = given.reduction ?? 'mean';
  const red = pick(redSpec, 'config.algorithm.reduction', loaded.reduction, () =>
    typeof (redSpec as Reduction).add === 'function'
      ? (redSpec as Reduction)
      : reduction(redSpec as ReductionSpec),
  );
  const upSpec = given.update ?? cfg.optimizer;
  const update = pick(upSpec, 'config.algorithm.update', loaded.update, () => {
    if (typeof (upSpec as Transform<unknown>).update === 'function')
      return upSpec as Transform<unknown>;
    const forLayer = layerOptimizer(upSpec as LayerOptimizer, cfg.eta);
    // Joint SGD moves each head at the head step size alpha, W at eta.
    return base === 'joint-sgd' && heads === 'per-task'
      ? (splitHeadsTransform(
          forLayer,
          layerOptimizer(upSpec as LayerOptimizer, cfg.alpha),
        ) as Transform<unknown>)
      : forLayer;
  });
  const loss = pick(cfg.loss, 'config.loss', loaded.loss, () => cfg.loss as LossLike);
  let missing: string | undefined;
  if (typeof (hsSpec as HeadStep).adapt === 'function') missing = 'config.algorithm.headStep';
  else if (typeof lgSpec === 'object' && !isModuleRef(lgSpec))
    missing = 'config.algorithm.layerGradient';
  else if (typeof cfg.loss === 'object' && !isModuleRef(cfg.loss)) missing = 'config.loss';
  const wire: RunPieces['wire'] =
    missing === undefined
      ? {
          headStep: hsSpec as HeadStepData | ModuleRef,
          layerGradient: lgSpec as LayerGradientName | ModuleRef,
          loss: cfg.loss as LossName | ModuleRef,
        }
      : { missing };
  return { heads, headStep: hs, layerGradient: lg, reduction: red, update, loss, wire };
}

const isObject = (method: string) => (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Record<string, unknown>)[method] === 'function';

/** Loads every module reference of a config's algorithm and loss, on this thread. @internal */
export async function loadRefs(cfg: ResolvedPretrainConfig): Promise<LoadedRefs> {
  const given = pieces(cfg);
  const load = async <T>(spec: unknown, what: string, method: string): Promise<T | undefined> =>
    isModuleRef(spec)
      ? loadModuleRef<T>(spec, { what, check: isObject(method) as (v: unknown) => v is T })
      : undefined;
  const out: {
    headStep?: HeadStep;
    layerGradient?: LayerGradientStep;
    reduction?: Reduction;
    update?: Transform<unknown>;
    loss?: LossLike;
  } = {};
  const hs = await load<HeadStep>(given.headStep, 'a HeadStep { name, samples, adapt }', 'adapt');
  if (hs) out.headStep = hs;
  const lg = await load<LayerGradientStep>(
    given.layerGradient,
    'a LayerGradientStep { name, headGradient, compute }',
    'compute',
  );
  if (lg) out.layerGradient = lg;
  const red = await load<Reduction>(given.reduction, 'a Reduction { name, add }', 'add');
  if (red) out.reduction = red;
  const up = await load<Transform<unknown>>(
    given.update,
    'an optim Transform { init, update }',
    'update',
  );
  if (up) out.update = up;
  const loss = await load<LossLike>(cfg.loss, 'a Loss { name, value, derivative }', 'derivative');
  if (loss) out.loss = loss;
  return out;
}

/** The per-task pieces a worker rebuilds from their plain-data description. @internal */
export async function wirePieces(wire: WirePieces): Promise<{
  headStep: HeadStep;
  layerGradient: LayerGradientStep;
  loss: LossLike;
}> {
  const hs = isModuleRef(wire.headStep)
    ? await loadModuleRef<HeadStep>(wire.headStep, {
        what: 'a HeadStep { name, samples, adapt }',
        check: isObject('adapt') as (v: unknown) => v is HeadStep,
      })
    : headStep(wire.headStep);
  const lg = isModuleRef(wire.layerGradient)
    ? await loadModuleRef<LayerGradientStep>(wire.layerGradient, {
        what: 'a LayerGradientStep { name, headGradient, compute }',
        check: isObject('compute') as (v: unknown) => v is LayerGradientStep,
      })
    : layerGradient(wire.layerGradient);
  const loss = isModuleRef(wire.loss)
    ? await loadModuleRef<LossLike>(wire.loss, {
        what: 'a Loss { name, value, derivative }',
        check: isObject('derivative') as (v: unknown) => v is LossLike,
      })
    : wire.loss;
  return { headStep: hs, layerGradient: lg, loss };
}
