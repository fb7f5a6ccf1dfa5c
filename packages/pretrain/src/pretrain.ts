import type { Layer } from '@mtrl/network';
import type { DType, Key, Matrix, Vector } from '@mtrl/tensors';
import { localExecutor } from './_executor.js';
import { isPending, notify, runRounds, setupRun } from './_rounds.js';
import type { AlgorithmSpec } from './algorithm.js';
import type { PretrainConfig, ResolvedPretrainConfig } from './config.js';
import type { TaskSource } from './source.js';
import type { PretrainWorkerOptions } from './workerOptions.js';

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
  /**
   * Mean over tasks of |mean of the task's raw labels| in this round (S1 and S2; before any
   * centring): 0 for balanced tasks. Above 0.3 without `centerLabels`, a notice warns that the
   * labels' constant part dominates the update. Absent at round 0.
   */
  readonly labelBalance?: number;
}

/** Emitted after each task of a round, for fine-grained progress. */
export interface TaskEvent {
  readonly round: number;
  readonly rounds: number;
  readonly task: number;
  readonly tasks: number;
  readonly elapsedMs: number;
}

/**
 * Callbacks and extras of a pretraining run. The worker options `workerUrl` and `createWorker`
 * ({@link PretrainWorkerOptions}) say where `pretrainAsync`'s worker threads come from.
 */
export interface PretrainOptions<D extends DType = DType> extends PretrainWorkerOptions {
  /** Called after each round; return `'stop'` to end the run early (the result is kept). */
  // `unknown` so any callback fits (a plain `console.log` one too); only `'stop'` is acted on.
  onRound?: (event: RoundEvent) => unknown;
  /** Called after each task of each round. */
  onTask?: (event: TaskEvent) => void;
  /** Named measurements of the layer, evaluated at round 0 and after every round. */
  probes?: Readonly<Record<string, (layer: Layer<D>) => number>>;
  /** Aborting ends the run after the task in progress; a partly done round is dropped. */
  signal?: AbortSignal;
  /** Start from this layer (copied) instead of a fresh initialisation. */
  initialLayer?: Layer<D>;
  /**
   * Worker threads for the tasks of each round, in `pretrainAsync` only: an integer >= 1,
   * or `'auto'` for the available cores; default 1. The result is bit-for-bit the same for any
   * value (each task's gradient is computed into its own buffer and the buffers are summed in
   * task order). Needs a source with a `spec` (as from `suiteSource` without custom tasks);
   * other sources run on one thread, with a notice. The synchronous {@link pretrain} and
   * {@link pretrainSteps} always use one thread. After a bundler that does not emit the
   * worker module (esbuild), also give `workerUrl` or `createWorker`.
   */
  threads?: number | 'auto';
  /** Receives one-line notices, such as a fallback to one thread; default `console.warn`. */
  onNotice?: (message: string) => void;
}

/** The outcome of a run. */
export interface PretrainResult<D extends DType = DType> {
  /** The trained shared layer `{ w: [m, d], b: [m] }`. */
  readonly layer: Layer<D>;
  /**
   * The task heads after the last round, one row per task: `[T, m]` (with a shared head, each
   * task's adapted head in the last round).
   */
  readonly heads: Matrix<D>;
  /** The shared head a0 `[m]`, for algorithms with one (`'fomaml'`, `'anil'`). */
  readonly sharedHead?: Vector<D>;
  /** One event per round, starting with round 0. */
  readonly history: readonly RoundEvent[];
  /** The config with every default filled in. */
  readonly config: ResolvedPretrainConfig;
  /**
   * How the run ended: `diverged` when a round produced a non-finite loss, weight or norm (the
   * run stops after that round, whose event is the last in `history`; `layer` is then the
   * non-finite one, and `divergence` says where and why).
   */
  readonly status: 'completed' | 'stopped' | 'aborted' | 'diverged';
  /** Set when `status` is `diverged`: the round and the first non-finite quantity found. */
  readonly divergence?: { readonly round: number; readonly reason: string };
}

/**
 * Multi-task pretraining as a generator (docs: Specification, 'Pretraining'): yields after every task and every round so
 * callers can interleave other work (progress bars, Ctrl-C, a browser's event loop), and
 * returns the result. {@link pretrain} and `pretrainAsync` drive it. It runs on the
 * calling thread; `options.threads` is honoured by `pretrainAsync` only.
 *
 *     initialise W, b; heads a_t (zero by default)
 *     repeat K rounds:
 *       for each task t (in order):
 *         S1 = n1 fresh samples of task t;  a_t <- HeadUpdate(W, b, a_t, S1)
 *         S2 = n2 fresh samples of task t;  G_t = grad_W L_t(W, b, a_t; S2) / T
 *       G = G_0 + G_1 + ... + G_{T-1}, added in task order
 *       W <- W - eta * G   (or an optimizer step on G); optional row normalisation
 *
 * That is the default algorithm, `'paper'`; `config.algorithm` selects another (`'joint-sgd'`,
 * `'fomaml'`, `'anil'`) or gives its pieces (head step, layer gradient, reduction, layer update;
 * see {@link AlgorithmSpec}), all run by this same loop.
 *
 * The run's randomness comes from `key` alone: `runKeys(key)` gives the initial layer's, the
 * initial heads' and the data's keys, and task t's samples in round k come from a key that
 * depends only on (key, k, t). Each G_t is computed from zero into its own buffer before the
 * ordered sum, so a run is reproduced bit for bit by its key, whatever the order or thread the
 * tasks run on.
 *
 * @param key - the run's key, `key(seed)` of @mtrl/tensors or a part of a larger key
 *
 * @throws {RangeError} for an invalid config, source or `options.threads`, or
 * `sampler: 'projected'` with a source that cannot serve it (no `projected` capability, or
 * inputs other than gaussian or mixture)
 * @throws {TypeError} for a malformed `options.workerUrl` or `options.createWorker` (checked
 * here too, though only `pretrainAsync` starts workers)
 */
export function* pretrainSteps<D extends DType>(
  key: Key,
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): Generator<TaskEvent | RoundEvent, PretrainResult<D>, void> {
  const setup = setupRun(key, source, config, options);
  if (typeof options.threads === 'number' && options.threads > 1)
    notify(
      options,
      `pretrain: threads=${options.threads} ignored: pretrain and pretrainSteps run on one thread; use pretrainAsync for worker threads`,
    );
  const exec = localExecutor(source, setup.ctx, setup.taskPieces, setup.cfg.m, setup.cfg.trainBias);
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
 * threads use `pretrainAsync`). See {@link pretrainSteps}.
 *
 * @param key - the run's key (see {@link pretrainSteps})
 * @param source - the tasks: `{ tasks: T, d, sample(t, key, n, dtype) }`
 * @param config - every knob; validated up front, all bad fields named in one error
 * @returns the trained layer, final heads, per-round history and resolved config
 * @throws {TypeError} for a key that is not a Key
 * @throws {RangeError} for an invalid config (`seed` included: pass `key(seed)` first instead)
 * or source, or a module reference in the config (only `pretrainAsync` loads them)
 * @example
 * const res = pretrain(key(0), source, { m: 64, n1: 256, n2: 256, alpha: 1, eta: 1000, rounds: 1 });
 * const maml = pretrain(key(0), source, { ...res.config, algorithm: 'fomaml' });
 */
export function pretrain<D extends DType>(
  key: Key,
  source: TaskSource<D>,
  config: PretrainConfig,
  options: PretrainOptions<D> = {},
): PretrainResult<D> {
  const it = pretrainSteps(key, source, config, options);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}
