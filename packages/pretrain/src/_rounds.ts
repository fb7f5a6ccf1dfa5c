import { initLayer, type Layer } from '@mtrl/network';
import { adam, applyUpdatesInto, type Params, sgd, type Transform } from '@mtrl/optim';
import {
  addInto,
  assertShape,
  copy,
  copyInto,
  type DType,
  type Key,
  key,
  normal,
  normalizeRows,
  row,
  scaleInto,
  zeros,
} from '@mtrl/tensors';
import type { TaskExecutor, TaskOutcome } from './_executor.js';
import { explicitRounds, type ProjectedRun, projectedRounds } from './_projectedRound.js';
import type { TaskContext } from './_runTask.js';
import { checkThreads } from './_threads.js';
import {
  type LayerOptimizer,
  type PretrainConfig,
  type ResolvedPretrainConfig,
  resolveConfig,
  UNBALANCED_LABELS,
} from './config.js';
import { type RunKeys, runKeys } from './keys.js';
import type { PretrainOptions, PretrainResult, RoundEvent, TaskEvent } from './pretrain.js';
import type { TaskSource } from './source.js';
import { checkWorkerOptions } from './workerOptions.js';

function layerOptimizer(spec: LayerOptimizer, eta: number): Transform<unknown> {
  switch (spec.kind) {
    case 'step':
      return sgd(eta) as Transform<unknown>;
    case 'momentum':
      return sgd(eta, {
        momentum: spec.momentum,
        nesterov: spec.nesterov ?? false,
      }) as Transform<unknown>;
    case 'adam':
      return adam(eta, { b1: spec.b1, b2: spec.b2, eps: spec.eps }) as Transform<unknown>;
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A validated run: config, sizes, keys and the per-task context. @internal */
export interface RunSetup {
  readonly cfg: ResolvedPretrainConfig;
  readonly T: number;
  readonly d: number;
  readonly keys: RunKeys;
  readonly ctx: TaskContext;
  /** Set with `sampler: 'projected'`. */
  readonly projection?: ProjectedRun;
}

/**
 * Validates config, source, `options.threads` and the worker options, and derives the run's
 * keys. @internal
 */
export function setupRun<D extends DType>(
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D>,
): RunSetup {
  const cfg = resolveConfig(config);
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
  const keys = runKeys(key(cfg.seed));
  const projection =
    cfg.sampler === 'projected' ? checkProjected(source, cfg, keys.data) : undefined;
  const ctx: TaskContext = {
    dtype: cfg.dtype,
    n1: cfg.n1,
    n2: cfg.n2,
    dataKey: keys.data,
    step: {
      loss: cfg.loss,
      alpha: cfg.alpha,
      head: cfg.head,
      weight: 1 / T,
      centerLabels: cfg.centerLabels,
    },
    ...(projection === undefined
      ? {}
      : { projected: { k: projection.k, r: projection.gt.r, noise: projection.noise } }),
  };
  return { cfg, T, d, keys, ctx, ...(projection === undefined ? {} : { projection }) };
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
): ProjectedRun {
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
    layer = { w: copy(options.initialLayer.w, dtype), b: copy(options.initialLayer.b, dtype) };
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
    });
  }
  const heads = zeros([T, cfg.m] as const, { dtype });
  if (cfg.headInit.kind === 'normal') {
    const h = normal(keys.heads, [T, cfg.m] as const, { dtype });
    scaleInto(h, cfg.headInit.std);
    copyInto(heads, h);
  }
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

  const optimizer = layerOptimizer(cfg.optimizer, cfg.eta);
  const params = (): Params => (cfg.trainBias ? { w: layer.w, b: layer.b } : { w: layer.w });
  let optState = optimizer.init(params());
  const sampler =
    setup.projection === undefined ? explicitRounds<D>(d) : projectedRounds<D>(setup.projection);
  // The task-order sum of the tasks' buffers: the layer gradient itself for the explicit sampler.
  const acc = zeros([cfg.m, sampler.gradCols] as const, { dtype });
  const gradB = cfg.trainBias ? zeros([cfg.m] as const, { dtype }) : undefined;
  let status: PretrainResult<D>['status'] = 'completed';
  let diverged: PretrainResult<D>['divergence'];
  let warnedBalance = false;
  const roundStart = now();

  for (let r = 1; r <= cfg.rounds; r++) {
    acc.data.fill(0);
    gradB?.data.fill(0);
    let headLoss = 0;
    let layerLoss = 0;
    let labelBalance = 0;
    let converged = 0;
    exec.beginRound(r, sampler.taskLayer(r, layer), heads);
    for (let t = 0; t < T; t++) {
      const got = exec.take(t);
      const res = (got instanceof Promise ? yield { pending: got } : got) as TaskOutcome<D>;
      // G = ((0 + G_0) + G_1) + ... in task order, whichever thread computed each G_t.
      addInto(acc, acc, res.gradW);
      if (gradB && res.gradB) addInto(gradB, gradB, res.gradB);
      copyInto(row(heads, t), res.head);
      headLoss += res.headLoss / T;
      layerLoss += res.layerLoss / T;
      labelBalance += Math.abs(res.labelMean) / T;
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
    const grads: Params = gradB ? { w: gradW, b: gradB } : { w: gradW };
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
      ...(cfg.head.mode === 'fit' ? { headConvergedFraction: converged / T } : {}),
    };
    history.push(ev);
    if (!warnedBalance && !cfg.centerLabels && labelBalance > UNBALANCED_LABELS) {
      warnedBalance = true;
      notify(
        options,
        `pretrain: the tasks' labels are unbalanced (mean |E y| = ${labelBalance.toFixed(3)} > ${UNBALANCED_LABELS} in round ${r}): the constant part of the label kernel dominates the layer update and the subspace is usually not recovered; set centerLabels: true`,
      );
    }
    const reason = divergence(layer, headLoss, layerLoss, cfg.head.mode === 'fixed');
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
    history,
    config: cfg,
    status,
    ...(diverged === undefined ? {} : { divergence: diverged }),
  };
}
