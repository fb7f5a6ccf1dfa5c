/** The settings of `mtrl-bench reproduce`, one record per size. */
export interface ReproduceSize {
  readonly name: 'tiny' | 'quick' | 'paper' | 'wide';
  readonly seeds: number;
  /**
   * How every pretraining and downstream sample is drawn (docs: Specification, 'The projected
   * sampler'): `projected` draws them in a basis of the rows of [W; M] (at most m + r
   * coordinates), the same law as explicit draws in R^d for Gaussian inputs at a cost that does
   * not grow with d. Absent: explicit draws in R^d. The method of moments samples in R^d
   * whatever this says (see `dims.explicitMaxD`).
   */
  readonly sampler?: 'projected';
  readonly r: number;
  readonly n: number;
  readonly eta: number;
  readonly dtype: 'float32' | 'float64';
  /**
   * Experiment 1: energy and coverage against the number of tasks T, for several d, with
   * n1 = n2 = `n` and a step `eta`, or, when `nPerD` and `etaPerD` are given, n1 = n2 =
   * nPerD * d and eta = etaPerD * d, so that T n^2 / d^2 is the same at every d (as experiment 2).
   */
  readonly tasks: {
    ds: readonly number[];
    Ts: readonly number[];
    m: number;
    nPerD?: number;
    etaPerD?: number;
  };
  /**
   * Experiment 2: downstream accuracy against d at fixed T, m and n_train. Pretraining gets
   * n1 = n2 = nPerD * d samples per task, so T n^2 / d^2 (the signal-to-noise of the one-step
   * update; docs: Specification, 'One big step') is the same at every d, and a step eta = etaPerD * d, so the step amplifies
   * the in-subspace part of each row (about r/d of it at initialisation) equally at every d.
   * Pretraining effort grows with d; the downstream samples and width do not.
   */
  readonly dims: {
    ds: readonly number[];
    T: number;
    m: number;
    nPerD: number;
    etaPerD: number;
    nTrain: number;
    nTest: number;
    /**
     * The methods that sample in R^d whatever `sampler` says (the method of moments: its cost
     * is T n d with n proportional to d) run only at d <= explicitMaxD; absent: at every d.
     */
    explicitMaxD?: number;
  };
  /** Experiment 3: accuracy against n_train and against m at one d (the features of experiment 2). */
  readonly complexity: { d: number; nTrains: readonly number[]; ms: readonly number[] };
  /** Experiment 4: energy and coverage over many rounds with unit rows. */
  readonly collapse: { d: number; T: number; m: number; rounds: number; eta: number };
  /**
   * The phase diagram of recovery: for each d, T and n = n1 = n2, the gain of energy and of
   * cos θ_r after one round over the same network at initialisation, against T n^2 / d^2.
   */
  readonly phase: {
    ds: readonly number[];
    Ts: readonly number[];
    ns: readonly number[];
    m: number;
    /**
     * The step: eta = etaPerD * d when given (so the step dominates the initial rows at every
     * d, and the gain depends on T n^2 / d^2 alone), else `eta`.
     */
    etaPerD?: number;
  };
  /**
   * A negative control, under which every claim must fail: `untrained` keeps every network at
   * its initialisation (zero rounds), `shuffled-labels` makes every label of pretraining and of
   * the downstream tasks a fair coin independent of the input (label noise 1/2).
   */
  readonly control?: Control;
}

/** The negative controls of `mtrl-bench reproduce --control`. */
export const CONTROLS = ['untrained', 'shuffled-labels'] as const;
export type Control = (typeof CONTROLS)[number];

/**
 * `tiny` is for tests (seconds), `quick` for the quick start (seconds on 2 cores with the wasm
 * backend, a minute with js), `paper` for the full figures (about 10 minutes on 2 cores, wasm),
 * `wide` for the claims out to d = 65536 with the projected sampler (minutes on 2 cores, wasm).
 */
export const SIZES: Readonly<Record<ReproduceSize['name'], ReproduceSize>> = {
  tiny: {
    name: 'tiny',
    seeds: 1,
    r: 2,
    n: 256,
    eta: 1000,
    dtype: 'float32',
    tasks: { ds: [16, 32], Ts: [1, 16], m: 32 },
    dims: { ds: [16, 32], T: 16, m: 32, nPerD: 8, etaPerD: 16, nTrain: 100, nTest: 400 },
    complexity: { d: 32, nTrains: [25, 100], ms: [8, 32] },
    collapse: { d: 16, T: 4, m: 16, rounds: 3, eta: 1000 },
    phase: { ds: [16, 32], Ts: [2, 8], ns: [32, 128], m: 16 },
  },
  quick: {
    name: 'quick',
    seeds: 2,
    r: 4,
    n: 1024,
    eta: 1000,
    dtype: 'float32',
    tasks: { ds: [64, 256], Ts: [1, 4, 16, 64], m: 128 },
    dims: {
      ds: [32, 64, 128, 256],
      T: 64,
      m: 128,
      nPerD: 8,
      etaPerD: 16,
      nTrain: 200,
      nTest: 2000,
    },
    complexity: { d: 256, nTrains: [25, 50, 100, 200, 400, 800], ms: [8, 16, 32, 64, 128] },
    collapse: { d: 64, T: 16, m: 64, rounds: 20, eta: 1000 },
    phase: { ds: [64, 256, 1024], Ts: [4, 16, 64], ns: [64, 256, 1024], m: 32 },
  },
  paper: {
    name: 'paper',
    seeds: 3,
    r: 4,
    n: 1024,
    eta: 1000,
    dtype: 'float32',
    tasks: { ds: [64, 256, 1024], Ts: [1, 4, 16, 64, 256, 512], m: 256 },
    dims: {
      ds: [64, 128, 256, 512, 1024, 2048],
      T: 256,
      m: 256,
      nPerD: 4,
      etaPerD: 16,
      nTrain: 200,
      nTest: 2000,
    },
    complexity: {
      d: 1024,
      nTrains: [25, 50, 100, 200, 400, 800, 1600],
      ms: [8, 16, 32, 64, 128, 256],
    },
    collapse: { d: 256, T: 64, m: 128, rounds: 50, eta: 1000 },
    phase: { ds: [64, 256, 1024], Ts: [4, 16, 64, 256], ns: [128, 256, 512, 1024, 2048], m: 128 },
  },
  /**
   * The claims out to d = 65536. Every pretraining and downstream sample is drawn by the
   * projected sampler, so a sample costs O(m k) with k = m + r whatever d is; pretraining still
   * grows with d through n1 = n2 = 2 d in experiment 1 and 4 d in experiment 2 (T n^2 / d^2 =
   * 256 and 1024 at every d).
   * The method of moments, which samples in R^d, runs only at d <= 1024. The phase diagram
   * spans d = 4096 ... 65536 with n up to 65536 and eta = 16 d, so its cells span T n^2 / d^2
   * from 0.016 to 16384.
   */
  wide: {
    name: 'wide',
    seeds: 2,
    sampler: 'projected',
    r: 4,
    n: 1024,
    eta: 1000,
    dtype: 'float32',
    tasks: { ds: [256, 4096, 65536], Ts: [1, 4, 16, 64], m: 128, nPerD: 2, etaPerD: 16 },
    dims: {
      ds: [64, 256, 1024, 4096, 16384, 65536],
      T: 64,
      m: 128,
      nPerD: 4,
      etaPerD: 16,
      nTrain: 200,
      nTest: 2000,
      explicitMaxD: 1024,
    },
    // Experiment 3 at 16384, not 65536: its 12 downstream evaluations per method add nothing
    // about d (experiment 2 covers every d) and cost minutes each method at 65536.
    complexity: { d: 16384, nTrains: [25, 50, 100, 200, 400, 800], ms: [8, 16, 32, 64, 128] },
    collapse: { d: 64, T: 16, m: 64, rounds: 20, eta: 1000 },
    phase: {
      ds: [4096, 16384, 65536],
      Ts: [4, 16, 64],
      ns: [4096, 16384, 65536],
      m: 32,
      etaPerD: 16,
    },
  },
};
