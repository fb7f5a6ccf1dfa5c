import type { Measurement } from '../summary.js';
import type { ReproduceSize } from './sizes.js';

/**
 * One comparison behind a verdict, with everything a reader needs to judge it again: the
 * measured value (mean over seeds), its standard error across seeds (null with one seed), what
 * it is compared against, the rule, and whether it held (null when it was not measured, as in
 * an interrupted run).
 */
export interface Check {
  readonly name: string;
  readonly value: number | null;
  readonly se: number | null;
  readonly baseline: number | null;
  readonly threshold: string;
  readonly held: boolean | null;
}

/** One claim of the paper, the numbers measured for it, its checks and the verdict. */
export interface Claim {
  readonly id: 'energy' | 'coverage' | 'downstream-vs-d' | 'random-features' | 'single-task';
  readonly statement: string;
  readonly measured: Readonly<Record<string, number>>;
  readonly threshold: string;
  readonly checks: readonly Check[];
  /** True when every check held, false when one failed, null when one was not measured. */
  readonly held: boolean | null;
}

/** The margins and floors of the verdicts (see the specification page, "How each verdict is judged"). */
export const THRESHOLDS = {
  /** Energy after pretraining minus energy at initialisation, same seed. */
  energyGain: 0.3,
  /** Energy at initialisation may be at most this multiple of r/d. */
  energyInitFactor: 3,
  /** cos of the largest principal angle after pretraining. */
  angleFloor: 0.5,
  /** cos of the largest principal angle, gain over initialisation. */
  angleGain: 0.3,
  /** Downstream accuracy above max(chance, majority-class rate), at every d. */
  accuracyMargin: 0.1,
  /** Largest minus smallest multi-task accuracy over the tested d. */
  flatness: 0.05,
  /** Multi-task minus random-feature accuracy at the largest d. */
  gapVsRandom: 0.1,
  /** Random-feature accuracy (halfspace + xor) at the smallest d minus at the largest d. */
  randomFall: 0.05,
  /** s_r / s_1 with one pretraining task. */
  singleCoverage: 0.3,
  /** Multi-task minus single-task xor accuracy at the largest d. */
  gapVsSingle: 0.1,
};

/** Chance accuracy of a balanced binary task. */
const CHANCE = 0.5;

/** One quantity's value per seed. */
export type Series = ReadonlyMap<number, number>;

/** The values of one (experiment, method, x, metric) by seed. */
export function seriesOf(
  ms: readonly Measurement[],
  experiment: string,
  method: string,
  x: number,
  metric: string,
): Series {
  const out = new Map<number, number>();
  for (const m of ms)
    if (m.experiment === experiment && m.method === method && m.x === x && m.metric === metric)
      out.set(m.seed, m.value);
  return out;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Mean and standard error (null for fewer than two values) of the finite values; null mean when none. */
export function meanSe(values: readonly number[]): { mean: number | null; se: number | null } {
  if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
    return { mean: null, se: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, se: null };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(v / values.length) };
}

/** Seed-wise combination of series measured on the same seeds (a paired comparison). */
export function paired(f: (...xs: number[]) => number, ...series: Series[]): number[] {
  if (series.length === 0) return [];
  const seeds = [...series[0].keys()].filter((s) => series.every((x) => x.has(s)));
  return seeds.map((s) => f(...series.map((x) => x.get(s) as number)));
}

/**
 * A check that `value` (per seed) is at least `min`, and, when `beyondSe`, that its mean is more
 * than 2 standard errors above `min` too (the stated margin and the noise across seeds).
 */
function atLeast(
  name: string,
  values: readonly number[],
  min: number,
  opts: { baseline?: number | null; rule: string; beyondSe?: boolean },
): Check {
  const { mean, se } = meanSe(values);
  const beyond = opts.beyondSe ?? true;
  const held =
    mean === null ? null : mean >= min && (!beyond || se === null || mean - 2 * se > min);
  return {
    name,
    value: mean === null ? null : r3(mean),
    se: se === null ? null : r3(se),
    baseline: opts.baseline === undefined || opts.baseline === null ? null : r3(opts.baseline),
    threshold: opts.rule,
    held,
  };
}

/** A check that the mean of `values` is at most `max` (2 standard errors beyond it when `beyondSe`). */
function atMost(
  name: string,
  values: readonly number[],
  max: number,
  opts: { baseline?: number | null; rule: string; beyondSe?: boolean },
): Check {
  const c = atLeast(
    name,
    values.map((v) => -v),
    -max,
    opts,
  );
  return { ...c, value: c.value === null ? null : -c.value };
}

/** A claim's verdict from its checks: false if one failed, else null if one was not measured. */
function verdict(checks: readonly Check[]): boolean | null {
  if (checks.some((c) => c.held === false)) return false;
  if (checks.some((c) => c.held === null)) return null;
  return true;
}

/**
 * The verdicts on the five claims of the paper, from the per-seed measurements of a
 * reproduction. Each claim carries its checks (value, standard error across seeds, baseline,
 * threshold, held), so a reader can judge it again. Comparisons are paired by seed: the trained
 * network against the same network at initialisation, a method against another on the same
 * seed's data. With one seed there is no standard error and only the margins apply.
 */
export function judgeClaims(size: ReproduceSize, ms: readonly Measurement[]): Claim[] {
  const series = (experiment: string, method: string, x: number, metric: string): Series =>
    seriesOf(ms, experiment, method, x, metric);
  const e1 = (d: number, T: number, metric: string) =>
    series('energy-vs-tasks', `d=${d}`, T, metric);
  const e2 = (method: string, d: number, metric: string) =>
    series('accuracy-vs-d', method, d, metric);
  const mean = (s: Series): number => meanSe([...s.values()]).mean ?? Number.NaN;
  const Tmax = Math.max(...size.tasks.Ts);
  const ds = size.tasks.ds;
  const dims = size.dims.ds;
  const dLo = Math.min(...dims);
  const dHi = Math.max(...dims);
  const T = THRESHOLDS;
  const id = (x: number) => x;
  const diff = (a: number, b: number) => a - b;

  // 1. Energy: a gain over the same network at initialisation, at every d.
  const energy: Record<string, number> = {};
  const energyChecks: Check[] = [];
  for (const d of ds) {
    const init = e1(d, 0, 'energy');
    const fin = e1(d, Tmax, 'energy');
    energy[`d=${d} r/d`] = r3(size.r / d);
    energy[`d=${d} init`] = r3(mean(init));
    energy[`d=${d} T=${Tmax}`] = r3(mean(fin));
    energyChecks.push(
      atMost(`energy at init, d=${d}`, paired(id, init), T.energyInitFactor * (size.r / d), {
        baseline: size.r / d,
        rule: `<= ${T.energyInitFactor} r/d (a random layer has about r/d)`,
        beyondSe: false,
      }),
      atLeast(`energy gain over init, d=${d}, T=${Tmax}`, paired(diff, fin, init), T.energyGain, {
        baseline: mean(init),
        rule: `gain >= ${T.energyGain}, beyond 2 s.e. (paired by seed)`,
      }),
    );
  }

  // 2. Coverage, by principal angles: cos of the largest angle between span(M^T) and W's
  // top-r right singular subspace, as a gain over initialisation and above a floor.
  const cov: Record<string, number> = {};
  const covChecks: Check[] = [];
  for (const d of ds) {
    const init = e1(d, 0, 'angle-cos');
    const fin = e1(d, Tmax, 'angle-cos');
    cov[`d=${d} init cos θ_r`] = r3(mean(init));
    cov[`d=${d} T=${Tmax} cos θ_r`] = r3(mean(fin));
    cov[`d=${d} init s_r/s_1`] = r3(mean(e1(d, 0, 'coverage')));
    cov[`d=${d} T=${Tmax} s_r/s_1`] = r3(mean(e1(d, Tmax, 'coverage')));
    covChecks.push(
      atLeast(`cos θ_r after pretraining, d=${d}, T=${Tmax}`, paired(id, fin), T.angleFloor, {
        baseline: mean(init),
        rule: `>= ${T.angleFloor}, beyond 2 s.e.`,
      }),
      atLeast(`cos θ_r gain over init, d=${d}, T=${Tmax}`, paired(diff, fin, init), T.angleGain, {
        baseline: mean(init),
        rule: `gain >= ${T.angleGain}, beyond 2 s.e. (paired by seed)`,
      }),
    );
  }

  // 3. Downstream accuracy independent of d: above chance and the majority rate at every d,
  // and flat across d.
  const down: Record<string, number> = {};
  const downChecks: Check[] = [];
  for (const task of ['halfspace', 'xor']) {
    const perD = dims.map((d) => e2('multiTask', d, task));
    for (const [i, d] of dims.entries()) {
      const majority = e2('majority-class', d, task);
      down[`${task} d=${d}`] = r3(mean(perD[i]));
      down[`${task} d=${d} majority`] = r3(mean(majority));
      const floor = (maj: number) => Math.max(CHANCE, maj);
      downChecks.push(
        atLeast(
          `${task}: margin of accuracy over max(chance, majority rate), d=${d}`,
          paired((a, maj) => a - floor(maj), perD[i], majority),
          T.accuracyMargin,
          {
            baseline: Math.max(CHANCE, mean(majority)),
            rule: `accuracy - max(0.5, majority rate) >= ${T.accuracyMargin}, beyond 2 s.e.`,
          },
        ),
      );
    }
    const spreads = paired((...a) => Math.max(...a) - Math.min(...a), ...perD);
    downChecks.push(
      atMost(`${task} spread of accuracy over d = ${dims.join(', ')}`, spreads, T.flatness, {
        rule: `max - min over every tested d <= ${T.flatness}`,
        beyondSe: false,
      }),
    );
  }

  // 4. Random features fall with d, and multi-task beats them at the largest d.
  const rf: Record<string, number> = {};
  const rfChecks: Check[] = [];
  for (const task of ['halfspace', 'xor']) {
    const lo = e2('randomFeatures', dLo, task);
    const hi = e2('randomFeatures', dHi, task);
    const multi = e2('multiTask', dHi, task);
    rf[`${task} random d=${dLo}`] = r3(mean(lo));
    rf[`${task} random d=${dHi}`] = r3(mean(hi));
    rf[`${task} multi-task d=${dHi}`] = r3(mean(multi));
    rfChecks.push(
      atLeast(
        `${task}: multi-task - random features, d=${dHi}`,
        paired(diff, multi, hi),
        T.gapVsRandom,
        {
          baseline: mean(hi),
          rule: `gap >= ${T.gapVsRandom}, beyond 2 s.e. (paired by seed)`,
        },
      ),
    );
  }
  rfChecks.push(
    atLeast(
      `random features (halfspace + xor) fall from d=${dLo} to d=${dHi}`,
      paired(
        (hLo, xLo, hHi, xHi) => hLo + xLo - (hHi + xHi),
        e2('randomFeatures', dLo, 'halfspace'),
        e2('randomFeatures', dLo, 'xor'),
        e2('randomFeatures', dHi, 'halfspace'),
        e2('randomFeatures', dHi, 'xor'),
      ),
      T.randomFall,
      { rule: `fall >= ${T.randomFall}, beyond 2 s.e. (paired by seed)` },
    ),
  );

  // 5. A single task learns about one direction: s_r / s_1 stays low with T = 1, and
  // multi-task beats it on xor.
  const single: Record<string, number> = {};
  const singleChecks: Check[] = [];
  for (const d of ds) {
    const c1 = e1(d, 1, 'coverage');
    single[`s_r/s_1 d=${d} init`] = r3(mean(e1(d, 0, 'coverage')));
    single[`s_r/s_1 d=${d} T=1`] = r3(mean(c1));
    single[`s_r/s_1 d=${d} T=${Tmax}`] = r3(mean(e1(d, Tmax, 'coverage')));
    singleChecks.push(
      atMost(`s_r/s_1 with T=1, d=${d}`, paired(id, c1), T.singleCoverage, {
        baseline: mean(e1(d, 0, 'coverage')),
        rule: `<= ${T.singleCoverage}, beyond 2 s.e. (a random layer has about 0.8)`,
      }),
    );
  }
  const sx = e2('singleTask', dHi, 'xor');
  const mx = e2('multiTask', dHi, 'xor');
  single[`xor single-task d=${dHi}`] = r3(mean(sx));
  single[`xor multi-task d=${dHi}`] = r3(mean(mx));
  singleChecks.push(
    atLeast(`xor: multi-task - single-task, d=${dHi}`, paired(diff, mx, sx), T.gapVsSingle, {
      baseline: mean(sx),
      rule: `gap >= ${T.gapVsSingle}, beyond 2 s.e. (paired by seed)`,
    }),
  );

  const claim = (c: Omit<Claim, 'held' | 'threshold'>): Claim => ({
    ...c,
    threshold: c.checks.map((k) => `${k.name}: ${k.threshold}`).join('; '),
    held: verdict(c.checks),
  });
  return [
    claim({
      id: 'energy',
      statement:
        'The first-layer weights concentrate their energy in the r-dimensional ground-truth subspace (random initialisation has about r/d of it).',
      measured: energy,
      checks: energyChecks,
    }),
    claim({
      id: 'coverage',
      statement:
        'The learned weights cover all r directions: the top-r right singular subspace of W aligns with span(M^T) (cos θ_r, the cosine of the largest principal angle, rises from its value at initialisation).',
      measured: cov,
      checks: covChecks,
    }),
    claim({
      id: 'downstream-vs-d',
      statement: `A linear probe on the multi-task features solves downstream tasks on the ground-truth coordinates with a sample size and width that do not grow with d (n_train = ${size.dims.nTrain}, m = ${size.dims.m}; pretraining n1 = n2 = ${size.dims.nPerD} d, eta = ${size.dims.etaPerD} d).`,
      measured: down,
      checks: downChecks,
    }),
    claim({
      id: 'random-features',
      statement:
        'Random features (the network frozen at initialisation) need sample and neuron counts that grow with d for the same guarantee.',
      measured: rf,
      checks: rfChecks,
    }),
    claim({
      id: 'single-task',
      statement:
        'Pretraining on a single task learns only part of the subspace, so some downstream tasks stay unsolved.',
      measured: single,
      checks: singleChecks,
    }),
  ];
}

/** How a verdict reads: held, FAILED or not measured. */
export function verdictLabel(held: boolean | null): string {
  return held === null ? 'not measured' : held ? 'held' : 'FAILED';
}

/** One check as text: its value with standard error, baseline, rule and verdict. */
export function formatCheck(c: Check): string {
  const value =
    c.value === null ? 'not measured' : c.se === null ? `${c.value}` : `${c.value} ± ${c.se}`;
  const baseline = c.baseline === null ? '' : ` (baseline ${c.baseline})`;
  return `${c.name}: ${value}${baseline}; ${c.threshold}: ${verdictLabel(c.held)}`;
}

/** The claims as console lines: one per claim, then its checks indented. */
export function claimLines(claims: readonly Claim[]): string[] {
  return claims.flatMap((c) => [
    `  ${verdictLabel(c.held).padEnd(12)} ${c.id}`,
    ...c.checks.map((k) => `      ${formatCheck(k)}`),
  ]);
}
