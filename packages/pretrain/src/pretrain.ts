import { initLayer, type Layer } from '@mtrl/network';
import { adam, applyUpdatesInto, type Params, sgd, type Transform } from '@mtrl/optim';
import {
  addInto,
  assertShape,
  copy,
  copyInto,
  type DType,
  key,
  type Matrix,
  normal,
  normalizeRows,
  row,
  scaleInto,
  zeros,
} from '@mtrl/tensors';
import { localExecutor, type TaskExecutor, type TaskOutcome } from './_executor.js';
import type { TaskContext } from './_runTask.js';
import { threadedExecutor } from './_threadedExecutor.js';
import { checkThreads, resolveThreads } from './_threads.js';
import {
  type LayerOptimizer,
  type PretrainConfig,
  type ResolvedPretrainConfig,
  resolveConfig,
} from './config.js';
import { type RunKeys, runKeys } from './keys.js';
import type { TaskSource } from './source.js';

/** Emitted after every round (and once for round 0, the initialisation). */
export interface RoundEvent {
  /** 1..rounds; 0 is the state at initialisation. */
  readonly round: number;
  readonly rounds: number;
  /** Mean over tasks of the S1 loss before each head update (NaN at round 0 or for fixed heads). */
  readonly headLoss: number;
  /** Mean over tasks of the S2 loss with the adapted heads (NaN at round 0). */
  readonly layerLoss: number;
  /** Values of the registered probes on the layer after this round. */
  readonly probes: Readonly<Record<string, number>>;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left, from the mean round time so far. */
  readonly etaMs: number;
  /** For head mode 'fit': fraction of this round's head solves that converged. */
  readonly headConvergedFraction?: number;
}

/** Emitted after each task of a round, for fine-grained progress. */
export interface TaskEvent {
  readonly round: number;
  readonly rounds: number;
  readonly task: number;
  readonly tasks: number;
  readonly elapsedMs: number;
}

/** Callbacks and extras of a pretraining run. */
export interface PretrainOptions<D extends DType = DType> {
  /** Called after each round; return `'stop'` to end the run early (the result is kept). */
  onRound?: (event: RoundEvent) => undefined | 'stop';
  /** Called after each task of each round. */
  onTask?: (event: TaskEvent) => void;
  /** Named measurements of the layer, evaluated at round 0 and after every round. */
  probes?: Readonly<Record<string, (layer: Layer<D>) => number>>;
  /** Aborting ends the run after the task in progress; a partly done round is dropped. */
  signal?: AbortSignal;
  /** Start from this layer (copied) instead of a fresh initialisation. */
  initialLayer?: Layer<D>;
  /**
   * Worker threads for the tasks of each round, in {@link pretrainAsync} only: an integer >= 1,
   * or `'auto'` for the available cores; default 1. The result is bit-for-bit the same for any
   * value (each task's gradient is computed into its own buffer and the buffers are summed in
   * task order). Needs a source with a `spec` (as from `suiteSource` without custom tasks);
   * other sources run on one thread, with a notice. The synchronous {@link pretrain} and
   * {@link pretrainSteps} always use one thread.
   */
  threads?: number | 'auto';
  /** Receives one-line notices, such as a fallback to one thread; default `console.warn`. */
  onNotice?: (message: string) => void;
}

/** The outcome of a run. */
export interface PretrainResult<D extends DType = DType> {
  /** The trained shared layer `{ w: [m, d], b: [m] }`. */
  readonly layer: Layer<D>;
  /** The task heads after the last round, one row per task: `[T, m]`. */
  readonly heads: Matrix<D>;
  /** One event per round, starting with round 0. */
  readonly history: readonly RoundEvent[];
  /** The config with every default filled in. */
  readonly config: ResolvedPretrainConfig;
  /** How the run ended. */
  readonly status: 'completed' | 'stopped' | 'aborted';
}

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

interface RunSetup {
  readonly cfg: ResolvedPretrainConfig;
  readonly T: number;
  readonly d: number;
  readonly keys: RunKeys;
  readonly ctx: TaskContext;
}

function setupRun<D extends DType>(
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D>,
): RunSetup {
  const cfg = resolveConfig(config);
  checkThreads(options?.threads);
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
  const ctx: TaskContext = {
    dtype: cfg.dtype,
    n1: cfg.n1,
    n2: cfg.n2,
    dataKey: keys.data,
    step: { loss: cfg.loss, alpha: cfg.alpha, head: cfg.head, weight: 1 / T },
  };
  return { cfg, T, d, keys, ctx };
}

const notify = (options: { onNotice?: (m: string) => void }, message: string): void =>
  options.onNotice ? options.onNotice(message) : console.warn(message);

/** Yielded by the round loop when a task's outcome is still on its way from a worker. */
interface Pending {
  readonly pending: Promise<unknown>;
}
const isPending = (v: unknown): v is Pending =>
  typeof v === 'object' && v !== null && 'pending' in v;

function* runRounds<D extends DType>(
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
  const gradW = zeros([cfg.m, d] as const, { dtype });
  const gradB = cfg.trainBias ? zeros([cfg.m] as const, { dtype }) : undefined;
  let status: PretrainResult<D>['status'] = 'completed';
  const roundStart = now();

  for (let r = 1; r <= cfg.rounds; r++) {
    gradW.data.fill(0);
    gradB?.data.fill(0);
    let headLoss = 0;
    let layerLoss = 0;
    let converged = 0;
    exec.beginRound(r, layer, heads);
    for (let t = 0; t < T; t++) {
      const got = exec.take(t);
      const res = (got instanceof Promise ? yield { pending: got } : got) as TaskOutcome<D>;
      // G = ((0 + G_0) + G_1) + ... in task order, whichever thread computed each G_t.
      addInto(gradW, gradW, res.gradW);
      if (gradB && res.gradB) addInto(gradB, gradB, res.gradB);
      copyInto(row(heads, t), res.head);
      headLoss += res.headLoss / T;
      layerLoss += res.layerLoss / T;
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
      ...(cfg.head.mode === 'fit' ? { headConvergedFraction: converged / T } : {}),
    };
    history.push(ev);
    const verdict = options.onRound?.(ev);
    yield ev;
    if (verdict === 'stop') {
      status = 'stopped';
      break;
    }
    if (options.signal?.aborted) {
      status = 'aborted';
      break;
    }
  }
  return { layer, heads, history, config: cfg, status };
}

/**
 * Multi-task pretraining as a generator (SPEC 4): yields after every task and every round so
 * callers can interleave other work (progress bars, Ctrl-C, a browser's event loop), and
 * returns the result. {@link pretrain} and {@link pretrainAsync} drive it. It runs on the
 * calling thread; `options.threads` is honoured by {@link pretrainAsync} only.
 *
 *     initialise W, b; heads a_t (zero by default)
 *     repeat K rounds:
 *       for each task t (in order):
 *         S1 = n1 fresh samples of task t;  a_t <- HeadUpdate(W, b, a_t, S1)
 *         S2 = n2 fresh samples of task t;  G_t = grad_W L_t(W, b, a_t; S2) / T
 *       G = G_0 + G_1 + ... + G_{T-1}, added in task order
 *       W <- W - eta * G   (or an optimizer step on G); optional row normalisation
 *
 * Task t's samples in round k come from a key that depends only on (seed, k, t), and each G_t
 * is computed from zero into its own buffer before the ordered sum, so a run is reproduced bit
 * for bit by its seed, whatever the order or thread the tasks run on.
 *
 * @throws {RangeError} for an invalid config, source or `options.threads`
 */
export function* pretrainSteps<D extends DType>(
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): Generator<TaskEvent | RoundEvent, PretrainResult<D>, void> {
  const setup = setupRun(source, config, options);
  if (typeof options.threads === 'number' && options.threads > 1)
    notify(
      options,
      `pretrain: threads=${options.threads} ignored: pretrain and pretrainSteps run on one thread; use pretrainAsync for worker threads`,
    );
  const exec = localExecutor(source, setup.ctx, setup.cfg.m, setup.cfg.trainBias);
  const it = runRounds(setup, options, exec);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
    // The local executor never defers a task.
    if (isPending(step.value)) throw new Error('pretrainSteps: unexpected pending task');
    yield step.value;
  }
}

/**
 * Runs multi-task pretraining to the end, synchronously and on the calling thread (for worker
 * threads use {@link pretrainAsync}). See {@link pretrainSteps}.
 *
 * @param source - the tasks: `{ tasks: T, d, sample(t, key, n, dtype) }`
 * @param config - every knob; validated up front, all bad fields named in one error
 * @returns the trained layer, final heads, per-round history and resolved config
 * @throws {RangeError} for an invalid config or source
 * @example
 * const res = pretrain(source, { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, seed: 0 });
 */
export function pretrain<D extends DType>(
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): PretrainResult<D> {
  const it = pretrainSteps(source, config, options);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs multi-task pretraining asynchronously: yields to the event loop between tasks, so
 * progress can be drawn and an `AbortSignal` (for example from Ctrl-C) is honoured after the
 * task in progress, and runs the tasks of each round on `options.threads` worker threads
 * (`node:worker_threads` in Node, module Web Workers in browsers). Each worker draws its tasks'
 * samples itself from the source's `spec`; the result is bit-for-bit that of one thread.
 *
 * @param source - the tasks; with threads > 1 it needs a `spec` (see `suiteSource`)
 * @param config - every knob; validated up front, all bad fields named in one error
 * @param options - callbacks, probes, `signal`, `threads` (default 1)
 * @returns a promise of the trained layer, final heads, per-round history and resolved config
 * @throws {RangeError} (as a rejection) for an invalid config, source or `threads`; an error
 * thrown in a worker rejects the promise with the worker's message, and the workers are
 * terminated in every case
 * @example
 * const res = await pretrainAsync(source, { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1, seed: 0 }, { threads: 2 });
 */
export async function pretrainAsync<D extends DType>(
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): Promise<PretrainResult<D>> {
  const setup = setupRun(source, config, options);
  let threads = Math.min(await resolveThreads(options.threads), setup.T);
  const spec = source.spec;
  if (threads > 1 && spec === undefined) {
    notify(
      options,
      `pretrain: this source has no spec (a user-defined sampler or custom tasks), so its tasks run on one thread instead of ${threads}`,
    );
    threads = 1;
  }
  const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  if (threads <= 1 || spec === undefined) {
    const exec = localExecutor(source, setup.ctx, setup.cfg.m, setup.cfg.trainBias);
    const it = runRounds(setup, options, exec);
    for (;;) {
      const step = it.next();
      if (step.done) return step.value;
      await yieldToEventLoop();
    }
  }
  const exec = await threadedExecutor<D>(
    spec,
    setup.ctx,
    { m: setup.cfg.m, d: setup.d, tasks: setup.T, trainBias: setup.cfg.trainBias },
    threads,
  );
  try {
    const it = runRounds(setup, options, exec);
    let input: unknown;
    for (;;) {
      const step = it.next(input);
      input = undefined;
      if (step.done) return step.value;
      // Waiting for a worker already yields to the event loop; so does the end of a round.
      if (isPending(step.value)) input = await step.value.pending;
      else if ('headLoss' in step.value) await yieldToEventLoop();
    }
  } finally {
    await exec.close();
  }
}
