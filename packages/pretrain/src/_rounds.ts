import { initLayer, type Layer } from '@mtrl/network';
import { applyUpdatesInto, type Params } from '@mtrl/optim';
import {
  assertKey,
  assertShape,
  copy,
  copyInto,
  type DType,
  type Key,
  normal,
  normalizeRows,
  row,
  scaleInto,
  type Vector,
  zeros,
} from '@mtrl/tensors';
import { type LoadedRefs, type RunPieces, resolvePieces } from './_algorithm.js';
import type { TaskExecutor, TaskOutcome } from './_executor.js';
import { explicitRounds, type ProjectedRun, projectedRounds } from './_projectedRound.js';
import type { TaskContext, TaskPieces } from './_runTask.js';
import { checkThreads } from './_threads.js';
import type { TaskGradients } from './algorithm.js';
import {
  type PretrainConfig,
  type ResolvedPretrainConfig,
  resolveConfig,
  UNBALANCED_LABELS,
} from './config.js';
import { type RunKeys, runKeys } from './keys.js';
import type { PretrainOptions, PretrainResult, RoundEvent, TaskEvent } from './pretrain.js';
import type { TaskSource } from './source.js';
import { checkWorkerOptions } from './workerOptions.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A validated run: config, sizes, keys and the per-task context. @internal */
export interface RunSetup {
  readonly cfg: ResolvedPretrainConfig;
  readonly T: number;
  readonly d: number;
  readonly keys: RunKeys;
  readonly ctx: TaskContext;
  /** The algorithm's pieces. */
  readonly pieces: RunPieces;
  /** The per-task pieces, as the local executor runs them. */
  readonly taskPieces: TaskPieces;
  /** Set with `sampler: 'projected'`. */
  readonly projection?: ProjectedRun;
}

/**
 * Validates config, source, `options.threads` and the worker options, and derives the run's
 * keys. @internal
 */
export function setupRun<D extends DType>(
  root: Key,
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D>,
  loaded?: LoadedRefs,
): RunSetup {
  assertKey('pretrain', root);
  const cfg = resolveConfig(config);
  const pieces = resolvePieces(cfg, loaded);
  checkThreads(options?.threads);
  checkWorkerOptions(options);
  const T = source?.tasks;
  const d = source?.d;
  if (
    !Number.isInteger(T) ||
    T < 1 ||
    !Number.isInteger(d) ||
    d < 1 ||
    typeof source.sample !== 'function'
  ) {
    throw new RangeError(
      'pretrain: source must be a TaskSource with integer tasks >= 1, d >= 1 and a sample(t, key, n, dtype) function',
    );
  }
  const keys = runKeys(root);
  const projection =
    cfg.sampler === 'projected' ? checkProjected(source, cfg, keys.data, pieces) : undefined;
  const weights: number[] = [];
  for (let t = 0; t < T; t++) {
    const weight = pieces.reduction.weight;
    const w = weight === undefined ? 1 / T : weight.call(pieces.reduction, t, T);
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new RangeError(
        `pretrain: the reduction ${JSON.stringify(pieces.reduction.name)} gives task ${t} of ${T} the weight ${String(w)}: expected a finite number (a 'weighted' reduction needs one weight per task)`,
      );
    weights.push(w);
  }
  // The run's activation: the initial layer's when given, else the config's.
  const activation = options?.initialLayer?.activation ?? cfg.init.activation;
  if (projection !== undefined && activation !== undefined && activation !== 'relu')
    throw new RangeError(
      `pretrain: sampler 'projected' computes the gradient of ReLU units only, and this run's activation is ${JSON.stringify(activation)}; use sampler 'explicit'`,
    );
  const ctx: TaskContext = {
    dtype: cfg.dtype,
    n1: cfg.n1,
    n2: cfg.n2,
    dataKey: keys.data,
    alpha: cfg.alpha,
    centerLabels: cfg.centerLabels,
    weights,
    sharedHead: pieces.heads === 'shared',
    headSamples: pieces.headStep.samples,
    ...(activation === undefined ? {} : { activation }),
    ...(projection === undefined
      ? {}
      : { projected: { k: projection.k, r: projection.gt.r, noise: projection.noise } }),
  };
  const taskPieces: TaskPieces = {
    headStep: pieces.headStep,
    layerGradient: pieces.layerGradient,
    loss: pieces.loss,
  };
  return {
    cfg,
    T,
    d,
    keys,
    ctx,
    pieces,
    taskPieces,
    ...(projection === undefined ? {} : { projection }),
  };
}

/**
 * What `sampler: 'projected'` needs from the source (its `projected` capability, with gaussian
 * or mixture inputs and a ground truth of the source's d), or a RangeError saying what is
 * missing.
 */
function checkProjected<D extends DType>(
  source: TaskSource<D>,
  cfg: ResolvedPretrainConfig,
  dataKey: Key,
  pieces: RunPieces,
): ProjectedRun {
  const a = cfg.algorithm;
  const lg = typeof a === 'string' ? undefined : a.layerGradient;
  const red = typeof a === 'string' ? undefined : a.reduction;
  if (
    pieces.layerGradient.headGradient ||
    (lg !== undefined && lg !== 'layer') ||
    (red !== undefined && red !== 'mean' && (red as { kind?: unknown }).kind !== 'weighted')
  )
    throw new RangeError(
      `pretrain: sampler 'projected' runs the paper's layer gradient ('layer') with a linear reduction ('mean' or 'weighted') only, and this algorithm (${JSON.stringify(typeof a === 'string' ? a : { ...a, update: undefined })}) has other pieces; use sampler 'explicit'`,
    );
  const p = source.projected;
  if (p === undefined || typeof p.sampleInto !== 'function' || p.gt?.m === undefined)
    throw new RangeError(
      "pretrain: sampler 'projected' needs a source with the projected capability (source.projected: the ground truth M, the input distribution and a sampler of each task in the coordinates of a basis, as suiteSource provides), and this source has none; use sampler 'explicit' or build the source with suiteSource",
    );
  const kind = p.inputs?.kind;
  if (kind !== 'gaussian' && kind !== 'mixture')
    throw new RangeError(
      `pretrain: sampler 'projected' is exact only for gaussian and mixture inputs, and this source's inputs are ${JSON.stringify(kind)}; use sampler 'explicit'`,
    );
  if (p.gt.d !== source.d)
    throw new RangeError(
      `pretrain: source.projected.gt has d=${p.gt.d} but the source has d=${source.d}`,
    );
  const noiseStd = p.inputs.kind === 'mixture' ? p.inputs.noiseStd : 1;
  const k = Math.min(cfg.m + p.gt.r, source.d);
  return {
    gt: p.gt,
    noiseStd,
    m: cfg.m,
    k,
    noise: k < source.d && noiseStd > 0,
    dtype: cfg.dtype,
    dataKey,
  };
}

/** Sends a one-line notice to `options.onNotice`, or `console.warn`. @internal */
export const notify = (options: { onNotice?: (m: string) => void }, message: string): void =>
  options.onNotice ? options.onNotice(message) : console.warn(message);

/** The first non-finite entry of a tensor's data, as `[index, value]`, or undefined. */
function firstNonFinite(data: ArrayLike<number>): [number, number] | undefined {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return [i, data[i]];
  return undefined;
}

/** Why a finished round diverged (non-finite losses, weights or norm), or undefined. */
function divergence(layer: Layer, headLoss: number, layerLoss: number, fixedHeads: boolean) {
  if (!Number.isFinite(layerLoss)) return `the layer loss is ${layerLoss}`;
  if (!fixedHeads && !Number.isFinite(headLoss)) return `the head loss is ${headLoss}`;
  // One pass over W in the common case: its squared norm is finite exactly when every entry is
  // finite and the norm does not overflow; only then is the culprit looked for.
  let sq = 0;
  for (let i = 0; i < layer.w.data.length; i++) sq += layer.w.data[i] * layer.w.data[i];
  const badW = Number.isFinite(sq) ? undefined : firstNonFinite(layer.w.data);
  if (badW !== undefined) return `W has a non-finite entry (${badW[1]} at flat index ${badW[0]})`;
  const badB = firstNonFinite(layer.b.data);
  if (badB !== undefined) return `b has a non-finite entry (${badB[1]} at flat index ${badB[0]})`;
  if (!Number.isFinite(sq)) return `||W||_F overflows (${Math.sqrt(sq)})`;
  return undefined;
}

/** Yielded by the round loop when a task's outcome is still on its way from a worker. */
export interface Pending {
  readonly pending: Promise<unknown>;
}
/** @internal */
export const isPending = (v: unknown): v is Pending =>
  typeof v === 'object' && v !== null && 'pending' in v;

/**
 * The rounds of the pretraining algorithm (docs: Specification, 'Pretraining') over an executor of tasks: yields every event, and a {@link Pending}
 * whenever a task's outcome must be awaited (the driver resumes it with the value). @internal
 */
export function* runRounds<D extends DType>(
  setup: RunSetup,
  options: PretrainOptions<D>,
  exec: TaskExecutor<D>,
): Generator<TaskEvent | RoundEvent | Pending, PretrainResult<D>, unknown> {
  const { cfg, T, d, keys } = setup;
  const dtype = cfg.dtype as D;
  let layer: Layer<D>;
  if (options.initialLayer !== undefined) {
    assertShape('pretrain', 'initialLayer.w', options.initialLayer.w, [cfg.m, d]);
    assertShape('pretrain', 'initialLayer.b', options.initialLayer.b, [cfg.m]);
    const activation = setup.ctx.activation;
    layer = {
      w: copy(options.initialLayer.w, dtype),
      b: copy(options.initialLayer.b, dtype),
      ...(activation === undefined ? {} : { activation }),
    };
    for (const [name, t] of [
      ['initialLayer.w', layer.w],
      ['initialLayer.b', layer.b],
    ] as const) {
      const bad = firstNonFinite(t.data);
      if (bad !== undefined)
        throw new RangeError(
          `pretrain: ${name} has a non-finite entry (${bad[1]} at flat index ${bad[0]}): expected finite weights`,
        );
    }
  } else {
    layer = initLayer(keys.init, {
      d,
      m: cfg.m,
      weights: cfg.init.weights,
      bias: cfg.init.bias,
      dtype,
      ...(setup.ctx.activation === undefined ? {} : { activation: setup.ctx.activation }),
    });
  }
  const { pieces } = setup;
  const shared = pieces.heads === 'shared';
  const trainHeads = pieces.layerGradient.headGradient;
  // Per-task heads (or, with a shared head, each task's adapted head of the last round).
  const heads = zeros([T, cfg.m] as const, { dtype });
  // The shared head a0: drawn as row 0 of the per-task heads would be.
  const head0 = shared ? zeros([cfg.m] as const, { dtype }) : undefined;
  if (cfg.headInit.kind === 'normal') {
    const h = normal(keys.heads, [shared ? 1 : T, cfg.m] as const, { dtype });
    scaleInto(h, cfg.headInit.std);
    copyInto(head0 === undefined ? heads : head0, head0 === undefined ? h : row(h, 0));
  }
  if (head0 !== undefined) for (let t = 0; t < T; t++) copyInto(row(heads, t), head0);
  const probes = options.probes ?? {};
  const measure = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, fn] of Object.entries(probes)) out[name] = fn(layer);
    return out;
  };
  const start = now();
  const history: RoundEvent[] = [];
  const round0: RoundEvent = {
    round: 0,
    rounds: cfg.rounds,
    headLoss: Number.NaN,
    layerLoss: Number.NaN,
    probes: measure(),
    elapsedMs: now() - start,
    etaMs: Number.NaN,
  };
  history.push(round0);
  options.onRound?.(round0);
  yield round0;

  const optimizer = pieces.update;
  // The trained parameters: W, b with trainBias, and the heads when they get gradients.
  const params = (): Params => ({
    w: layer.w,
    ...(cfg.trainBias ? { b: layer.b } : {}),
    ...(trainHeads && head0 === undefined ? { heads } : {}),
    ...(trainHeads && head0 !== undefined ? { head: head0 } : {}),
  });
  let optState = optimizer.init(params());
  const sampler =
    setup.projection === undefined ? explicitRounds<D>(d) : projectedRounds<D>(setup.projection);
  // The task-order sum of the tasks' buffers: the layer gradient itself for the explicit sampler.
  const acc = zeros([cfg.m, sampler.gradCols] as const, { dtype });
  const gradB = cfg.trainBias ? zeros([cfg.m] as const, { dtype }) : undefined;
  const gradHead0 = trainHeads && shared ? zeros([cfg.m] as const, { dtype }) : undefined;
  const gradHeads = trainHeads && !shared ? zeros([T, cfg.m] as const, { dtype }) : undefined;
  const combined: TaskGradients<D> = {
    w: acc,
    ...(gradB === undefined ? {} : { b: gradB }),
    ...(gradHead0 === undefined ? {} : { head: gradHead0 }),
  };
  const headOf =
    head0 === undefined ? (t: number) => row(heads, t) as Vector<D> : () => head0 as Vector<D>;
  let reportsConvergence = false;
  let status: PretrainResult<D>['status'] = 'completed';
  let diverged: PretrainResult<D>['divergence'];
  let warnedBalance = false;
  const roundStart = now();

  for (let r = 1; r <= cfg.rounds; r++) {
    acc.data.fill(0);
    gradB?.data.fill(0);
    gradHead0?.data.fill(0);
    let headLoss = 0;
    let layerLoss = 0;
    let labelBalance = 0;
    let converged = 0;
    exec.beginRound(r, sampler.taskLayer(r, layer), headOf);
    for (let t = 0; t < T; t++) {
      const got = exec.take(t);
      const res = (got instanceof Promise ? yield { pending: got } : got) as TaskOutcome<D>;
      // G = ((0 + G_0) + G_1) + ... in task order, whichever thread computed each G_t.
      pieces.reduction.add(
        combined,
        {
          w: res.gradW,
          ...(res.gradB === undefined ? {} : { b: res.gradB }),
          ...(gradHead0 === undefined || res.headGradient === undefined
            ? {}
            : { head: res.headGradient }),
        },
        t,
        T,
      );
      if (gradHeads !== undefined) {
        if (res.headGradient === undefined)
          throw new Error(
            `pretrain: the layer-gradient step ${JSON.stringify(pieces.layerGradient.name)} says it gives the head's gradient but returned none for task ${t}`,
          );
        copyInto(row(gradHeads, t), res.headGradient);
      } else copyInto(row(heads, t), res.head);
      headLoss += res.headLoss / T;
      layerLoss += res.layerLoss / T;
      labelBalance += Math.abs(res.labelMean) / T;
      if (res.headConverged !== undefined) reportsConvergence = true;
      if (res.headConverged) converged++;
      exec.release(res);
      const te: TaskEvent = {
        round: r,
        rounds: cfg.rounds,
        task: t,
        tasks: T,
        elapsedMs: now() - start,
      };
      options.onTask?.(te);
      yield te;
      if (options.signal?.aborted) break;
    }
    if (options.signal?.aborted && history.length <= r) {
      // Interrupted mid-round: the partial round is dropped, the finished rounds are kept.
      status = 'aborted';
      break;
    }
    const gradW = sampler.layerGradient(r, acc);
    const grads: Params = {
      w: gradW,
      ...(gradB === undefined ? {} : { b: gradB }),
      ...(gradHeads === undefined ? {} : { heads: gradHeads }),
      ...(gradHead0 === undefined ? {} : { head: gradHead0 }),
    };
    const [updates, nextState] = optimizer.update(grads, optState, params());
    optState = nextState;
    applyUpdatesInto(params(), updates);
    if (cfg.normalizeRows) copyInto(layer.w, normalizeRows(layer.w));
    const elapsed = now() - start;
    const perRound = (now() - roundStart) / r;
    const ev: RoundEvent = {
      round: r,
      rounds: cfg.rounds,
      headLoss,
      layerLoss,
      probes: measure(),
      elapsedMs: elapsed,
      etaMs: perRound * (cfg.rounds - r),
      labelBalance,
      ...(reportsConvergence ? { headConvergedFraction: converged / T } : {}),
    };
    history.push(ev);
    if (!warnedBalance && !cfg.centerLabels && labelBalance > UNBALANCED_LABELS) {
      warnedBalance = true;
      notify(
        options,
        `pretrain: the tasks' labels are unbalanced (mean |E y| = ${labelBalance.toFixed(3)} > ${UNBALANCED_LABELS} in round ${r}): the constant part of the label kernel dominates the layer update and the subspace is usually not recovered; set centerLabels: true`,
      );
    }
    const reason = divergence(layer, headLoss, layerLoss, !pieces.headStep.samples);
    const verdict = options.onRound?.(ev);
    yield ev;
    if (reason !== undefined) {
      status = 'diverged';
      diverged = { round: r, reason };
      notify(options, `pretrain: diverged in round ${r}: ${reason}; the run stops there`);
      break;
    }
    if (verdict === 'stop') {
      status = 'stopped';
      break;
    }
    if (options.signal?.aborted) {
      status = 'aborted';
      break;
    }
  }
  return {
    layer,
    heads,
    ...(head0 === undefined ? {} : { sharedHead: head0 }),
    history,
    config: cfg,
    status,
    ...(diverged === undefined ? {} : { divergence: diverged }),
  };
}
