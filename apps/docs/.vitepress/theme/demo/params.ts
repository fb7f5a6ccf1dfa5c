/**
 * The demo's form: its fields, their ranges and the validation that refuses bad values with a
 * message per field. Pure functions, shared by the page (to show the messages) and the worker
 * (which re-checks what it is sent).
 */

/** The methods the demo can compare multi-task pretraining with (names of `BASELINES`). */
export const DEMO_BASELINES = {
  randomFeatures: {
    label: 'random features',
    description: 'random features (the network frozen at initialisation)',
  },
  singleTask: { label: 'single task', description: 'single-task pretraining (T = 1)' },
  methodOfMoments: { label: 'method of moments', description: 'linear method of moments' },
  oracle: { label: 'oracle', description: 'oracle (features of the true projection Mx)' },
} as const;

export type DemoBaseline = keyof typeof DEMO_BASELINES;

/**
 * How pretraining and the probes draw samples: `projected` draws each sample's coordinates in a
 * basis of the rows of W and M only (exact in law for Gaussian inputs, at a cost per task
 * independent of d: docs, Specification, 'The projected sampler'), so d can go far beyond what
 * `explicit` sampling in R^d can do in a browser.
 */
export const DEMO_SAMPLERS = {
  projected: { label: 'projected (cost independent of d)' },
  explicit: { label: 'explicit (x in R^d)' },
} as const;

export type DemoSampler = keyof typeof DEMO_SAMPLERS;

/** The largest d the method of moments is offered at: it draws its samples in R^d. */
export const MOMENTS_MAX_D = 4096;

/** A validated demo configuration. */
export interface DemoParams {
  /** Input dimension. */
  d: number;
  /** Dimension of the ground-truth subspace, r <= d. */
  r: number;
  /** Number of pretraining tasks. */
  T: number;
  /** Hidden width. */
  m: number;
  /** Samples per task for the head update. */
  n1: number;
  /** Fresh samples per task for the layer step. */
  n2: number;
  /** Layer step size. */
  eta: number;
  /** Pretraining rounds. */
  rounds: number;
  /** Downstream training samples for the linear probe. */
  nTrain: number;
  /** Seed of the whole run. */
  seed: number;
  /** Rescale the rows of W to unit norm after each step. */
  normalizeRows: boolean;
  /** The method to compare with. */
  baseline: DemoBaseline;
  /** How samples are drawn (see {@link DEMO_SAMPLERS}). */
  sampler: DemoSampler;
}

type NumericField = Exclude<keyof DemoParams, 'normalizeRows' | 'baseline' | 'sampler'>;

/** One numeric form field: label, range and default. */
export interface FieldSpec {
  readonly name: NumericField;
  readonly label: string;
  readonly help: string;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly default: number;
}

/** The numeric fields in form order. Maxima keep one run to seconds or minutes in a browser. */
export const FIELDS: readonly FieldSpec[] = [
  {
    name: 'd',
    label: 'd',
    help: 'input dimension (up to 65536 with the projected sampler)',
    min: 2,
    max: 65536,
    integer: true,
    default: 64,
  },
  {
    name: 'r',
    label: 'r',
    help: 'hidden directions (r ≤ d)',
    min: 1,
    max: 64,
    integer: true,
    default: 2,
  },
  {
    name: 'T',
    label: 'T',
    help: 'pretraining tasks',
    min: 1,
    max: 2048,
    integer: true,
    default: 32,
  },
  { name: 'm', label: 'm', help: 'hidden width', min: 1, max: 1024, integer: true, default: 64 },
  {
    name: 'n1',
    label: 'n1',
    help: 'samples per task for the head',
    min: 1,
    max: 65536,
    integer: true,
    default: 256,
  },
  {
    name: 'n2',
    label: 'n2',
    help: 'fresh samples per task for the layer',
    min: 1,
    max: 65536,
    integer: true,
    default: 256,
  },
  {
    name: 'eta',
    label: 'η',
    help: 'layer step size',
    min: 1e-6,
    max: 1e6,
    integer: false,
    default: 30,
  },
  {
    name: 'rounds',
    label: 'K',
    help: 'pretraining rounds',
    min: 1,
    max: 50,
    integer: true,
    default: 6,
  },
  {
    name: 'nTrain',
    label: 'n_train',
    help: 'downstream training samples',
    min: 1,
    max: 5000,
    integer: true,
    default: 200,
  },
  {
    name: 'seed',
    label: 'seed',
    help: 'one seed reproduces the run',
    min: 0,
    max: 2 ** 31 - 1,
    integer: true,
    default: 0,
  },
];

/** Downstream test samples (fixed: large enough for a ±0.02 accuracy). */
export const N_TEST = 2000;

/**
 * The cap on the pretraining work ({@link workOf}, multiply-adds times a small constant): about
 * 20 s in a browser on one core of a laptop.
 */
export const MAX_WORK = 1e10;

/** The default configuration (a few seconds in a browser). */
export function defaultParams(): DemoParams {
  const p: Record<string, unknown> = {
    normalizeRows: true,
    baseline: 'randomFeatures',
    sampler: 'projected',
  };
  for (const f of FIELDS) p[f.name] = f.default;
  return p as unknown as DemoParams;
}

/**
 * The pretraining work of a configuration (see {@link MAX_WORK}): K T (n1 + n2) m d with the
 * explicit sampler; with the projected one each sample lives in k = min(d, m + r) coordinates,
 * plus the round's basis and projections, about 4 (m + r) m d per round.
 */
export function workOf(
  p: Pick<DemoParams, 'rounds' | 'T' | 'n1' | 'n2' | 'm' | 'd' | 'r'> & {
    sampler?: DemoSampler;
  },
): number {
  if (p.sampler !== 'projected') return p.rounds * p.T * (p.n1 + p.n2) * p.m * p.d;
  const k = Math.min(p.d, p.m + p.r);
  return p.rounds * (p.T * (p.n1 + p.n2) * p.m * k + 4 * (p.m + p.r) * p.m * p.d);
}

/** The outcome of {@link validateParams}: the parameters, or one message per bad field. */
export type Validation =
  | { ok: true; params: DemoParams }
  | { ok: false; errors: Partial<Record<keyof DemoParams | 'form', string>> };

function formatNumber(x: number): string {
  return Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential() : String(x);
}

/**
 * Checks the raw form values (strings from inputs, or numbers) and returns the parameters or a
 * message for every bad field: numbers in range, integers where needed, r <= d, a known
 * baseline, and a total work under {@link MAX_WORK} (reported on the form as a whole).
 */
export function validateParams(raw: Readonly<Record<string, unknown>>): Validation {
  const errors: Partial<Record<keyof DemoParams | 'form', string>> = {};
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = raw[f.name];
    const text = typeof v === 'string' ? v.trim() : v;
    const x =
      typeof text === 'number'
        ? text
        : text === '' || text === undefined
          ? Number.NaN
          : Number(text);
    if (typeof text !== 'number' && typeof text !== 'string') {
      errors[f.name] = 'required';
    } else if (!Number.isFinite(x)) {
      errors[f.name] = text === '' ? 'required' : 'must be a number';
    } else if (f.integer && !Number.isInteger(x)) {
      errors[f.name] = 'must be a whole number';
    } else if (x < f.min || x > f.max) {
      errors[f.name] = `must be between ${formatNumber(f.min)} and ${formatNumber(f.max)}`;
    } else {
      out[f.name] = x;
    }
  }
  if (out.r !== undefined && out.d !== undefined && (out.r as number) > (out.d as number)) {
    errors.r = `must be at most d = ${out.d}`;
  }
  const baseline = raw.baseline;
  if (typeof baseline !== 'string' || !Object.hasOwn(DEMO_BASELINES, baseline)) {
    errors.baseline = `unknown baseline ${JSON.stringify(baseline)}`;
  }
  const normalizeRows = raw.normalizeRows;
  if (typeof normalizeRows !== 'boolean') errors.normalizeRows = 'must be true or false';
  const sampler = raw.sampler;
  if (typeof sampler !== 'string' || !Object.hasOwn(DEMO_SAMPLERS, sampler)) {
    errors.sampler = `unknown sampler ${JSON.stringify(sampler)}`;
  }
  if (baseline === 'methodOfMoments' && typeof out.d === 'number' && out.d > MOMENTS_MAX_D) {
    errors.baseline = `the method of moments draws its samples in R^d: at most d = ${MOMENTS_MAX_D}`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const params = { ...out, baseline, normalizeRows, sampler } as DemoParams;
  const work = workOf(params);
  if (work > MAX_WORK) {
    const hint = sampler === 'explicit' ? ', or choose the projected sampler' : '';
    return {
      ok: false,
      errors: {
        form: `the pretraining work ${work.toExponential(1)} is above the demo's cap of ${MAX_WORK.toExponential(0)} (the tab would hang): lower T, n1, n2, m, d or K${hint}`,
      },
    };
  }
  return { ok: true, params };
}

/** One of the demo page's "Things to try": a named configuration and the effect it shows. */
export interface DemoSuggestion {
  readonly id: string;
  readonly title: string;
  /** The fields that differ from {@link defaultParams}. */
  readonly settings: Readonly<Partial<DemoParams>>;
}

/**
 * The demo page's "Things to try", in page order. Each is run by the docs tests, in Node
 * (test/demo.test.ts) and in Chromium from its button (test/suggestions.test.ts), which check the
 * effect the page promises for it, and the page states each configuration in full as
 * {@link describeParams} writes it.
 */
export const DEMO_SUGGESTIONS: readonly DemoSuggestion[] = [
  { id: 'big-step', title: 'One big step', settings: { rounds: 1, eta: 1000 } },
  { id: 'one-task', title: 'One task', settings: { T: 1 } },
  { id: 'little-data', title: 'Too little data', settings: { d: 256, T: 4, n1: 32, n2: 32 } },
  { id: 'collapse', title: 'Collapse', settings: { r: 4, T: 16, rounds: 20, eta: 1000 } },
  { id: 'random-features', title: 'Random features', settings: { d: 1024, n1: 2048, n2: 2048 } },
  {
    id: 'large-d',
    title: 'Large d',
    settings: { d: 65536, T: 256, m: 16, n1: 32768, n2: 32768, rounds: 1, eta: 1000 },
  },
];

/** The full configuration of a suggestion: the defaults with its settings. */
export function suggestionParams(s: DemoSuggestion): DemoParams {
  return { ...defaultParams(), ...s.settings };
}

/**
 * Every field of a configuration as the demo page states it, e.g. `d = 64, r = 2, T = 32, m = 64,
 * n1 = 256, n2 = 256, η = 30, K = 6, n_train = 200, seed = 0, unit rows, random features,
 * projected sampler`.
 */
export function describeParams(p: DemoParams): string {
  const fields = FIELDS.map((f) => `${f.label} = ${p[f.name]}`);
  return [
    ...fields,
    p.normalizeRows ? 'unit rows' : 'rows not normalised',
    DEMO_BASELINES[p.baseline].label,
    `${p.sampler} sampler`,
  ].join(', ');
}
