import { readFileSync } from 'node:fs';
import { type AlgorithmName, resolveConfig } from '@mtrl/pretrain';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { pretrainConfigOf } from './setting.js';

const int = (min: number) => z.number().int().min(min);

/** The message of a discriminated union whose tag is missing or unknown. */
function oneOf(tag: string, values: readonly string[]) {
  return (issue: { input?: unknown }) => {
    const got = (issue.input as Record<string, unknown> | undefined)?.[tag];
    return `expected ${tag} to be one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(got)}`;
  };
}
const num = z.number().finite();
const prob = z.number().min(0).max(0.5);

const groundTruthSchema = z.strictObject({
  d: int(1),
  r: int(1),
  kind: z.enum(['random', 'coordinates']).default('random'),
  coordinates: z.array(int(0)).optional(),
});

const inputsSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('gaussian') }),
    z.strictObject({ kind: z.literal('sphere') }),
    z.strictObject({ kind: z.literal('hypercube') }),
    z.strictObject({
      kind: z.literal('mixture'),
      k: int(1),
      centreStd: num.min(0).default(2),
      noiseStd: num.min(0).default(1),
    }),
  ],
  { error: oneOf('kind', ['gaussian', 'sphere', 'hypercube', 'mixture']) },
);

const offsetSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('fixed'), value: num }),
    z.strictObject({ kind: z.literal('normal'), std: num.min(0), mean: num.optional() }),
    z.strictObject({ kind: z.literal('uniform'), low: num, high: num }),
  ],
  { error: oneOf('kind', ['fixed', 'normal', 'uniform']) },
);

/**
 * A task family as written in a config (docs: Specification, 'Task families'); custom families
 * need code, not a config.
 */
export const familySchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('halfspace'),
      noise: prob.optional(),
      offset: offsetSchema.optional(),
      direction: z.array(num).optional(),
    }),
    z.strictObject({
      kind: z.literal('teacher'),
      noise: prob.optional(),
      width: int(1).optional(),
      biasStd: num.min(0).optional(),
    }),
    z.strictObject({
      kind: z.enum(['xor', 'parity']),
      noise: prob.optional(),
      subset: z.array(int(0)).optional(),
      subsetSize: int(1).optional(),
    }),
  ],
  { error: oneOf('kind', ['halfspace', 'teacher', 'xor', 'parity']) },
);

const biasSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('zero') }),
    z.strictObject({ kind: z.literal('normal'), std: num.min(0) }),
    z.strictObject({ kind: z.literal('uniform'), low: num, high: num }),
  ],
  { error: oneOf('kind', ['zero', 'normal', 'uniform']) },
);

/** The pretraining algorithms a study can name (`algorithm` of @mtrl/pretrain's config). */
export const ALGORITHMS = [
  'paper',
  'joint-sgd',
  'fomaml',
  'anil',
] as const satisfies readonly AlgorithmName[];

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value checked by the first schema whose test it passes (so the errors are those of the
 * form the value was meant to have, not of a union), or refused with `expected`.
 */
function byForm<T>(
  forms: readonly (readonly [(v: unknown) => boolean, z.ZodType])[],
  expected: string,
): z.ZodType<T> {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      const form = forms.find(([test]) => test(v));
      if (form === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(v)}` });
        return;
      }
      const res = form[1].safeParse(v);
      if (!res.success)
        for (const i of res.error.issues) {
          const keys = (i as { keys?: string[] }).keys;
          ctx.addIssue({
            code: 'custom',
            path: i.path,
            message: keys ? `unknown key(s) ${quoted(keys)}` : i.message,
          });
        }
    })
    .transform((v) => v as T);
}

/** A module reference: a piece written by the user, loaded by the run and by every worker. */
const moduleRefSchema = z.strictObject({
  module: z.string().min(1),
  export: z.string().min(1).optional(),
  params: z.unknown().optional(),
});
type ModuleRefData = z.output<typeof moduleRefSchema>;
const isRef = (v: unknown) => isRecord(v) && 'module' in v;

// The head updates of `pretrain.head`; an algorithm's `headStep` also takes first-order MAML's.
const headUpdates = [
  z.strictObject({ mode: z.literal('step'), steps: int(1).optional() }),
  z.strictObject({
    mode: z.literal('fit'),
    l2: num.min(0).optional(),
    tol: num.positive().optional(),
    maxIter: int(1).optional(),
  }),
  z.strictObject({ mode: z.literal('fixed') }),
] as const;
const headUpdateSchema = z.discriminatedUnion('mode', [...headUpdates], {
  error: oneOf('mode', ['step', 'fit', 'fixed']),
});
const headStepModes = ['step', 'fit', 'fixed', 'maml'] as const;
const headStepSchema = z.discriminatedUnion(
  'mode',
  [...headUpdates, z.strictObject({ mode: z.literal('maml'), steps: int(1).optional() })],
  { error: oneOf('mode', headStepModes) },
);

const optimizerSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('step') }),
    z.strictObject({
      kind: z.literal('momentum'),
      momentum: num.min(0).max(0.999),
      nesterov: z.boolean().optional(),
    }),
    z.strictObject({
      kind: z.literal('adam'),
      b1: num.optional(),
      b2: num.optional(),
      eps: num.positive().optional(),
    }),
  ],
  { error: oneOf('kind', ['step', 'momentum', 'adam']) },
);

const LAYER_GRADIENTS = ['layer', 'layer-and-head'] as const;
const isString = (v: unknown) => typeof v === 'string';

/**
 * An algorithm's pieces as plain data (names, settings and module references), over a shipped
 * algorithm (`base`, default 'paper'); see `AlgorithmPieces` of @mtrl/pretrain.
 */
const piecesSchema = z.strictObject({
  base: z
    .enum(ALGORITHMS, {
      error: (i) => `expected one of ${quoted(ALGORITHMS)}, got ${JSON.stringify(i.input)}`,
    })
    .optional(),
  heads: z.enum(['per-task', 'shared']).optional(),
  headStep: byForm<z.output<typeof headStepSchema> | ModuleRefData>(
    [
      [isRef, moduleRefSchema],
      [isRecord, headStepSchema],
    ],
    `{ mode: ${quoted(headStepModes)} } or a module reference { module, export?, params? }`,
  ).optional(),
  layerGradient: byForm<(typeof LAYER_GRADIENTS)[number] | ModuleRefData>(
    [
      [isString, z.enum(LAYER_GRADIENTS)],
      [isRef, moduleRefSchema],
    ],
    `one of ${quoted(LAYER_GRADIENTS)} or a module reference { module, export?, params? }`,
  ).optional(),
  reduction: byForm<'mean' | { kind: 'weighted'; weights: number[] } | ModuleRefData>(
    [
      [isString, z.literal('mean')],
      [isRef, moduleRefSchema],
      [isRecord, z.strictObject({ kind: z.literal('weighted'), weights: z.array(num).min(1) })],
    ],
    `"mean", { kind: "weighted", weights } or a module reference { module, export?, params? }`,
  ).optional(),
  update: byForm<z.output<typeof optimizerSchema> | ModuleRefData>(
    [
      [isRef, moduleRefSchema],
      [isRecord, optimizerSchema],
    ],
    '{ kind: "step" | "momentum" | "adam" } or a module reference { module, export?, params? }',
  ).optional(),
});

/** `pretrain.algorithm`: a shipped algorithm's name, or its pieces as plain data. */
export type AlgorithmData = AlgorithmName | z.output<typeof piecesSchema>;

const algorithmSchema = byForm<AlgorithmData>(
  [
    [
      isString,
      z.enum(ALGORITHMS, {
        error: (i) => `expected one of ${quoted(ALGORITHMS)}, got ${JSON.stringify(i.input)}`,
      }),
    ],
    [isRecord, piecesSchema],
  ],
  `one of ${quoted(ALGORITHMS)} or { base?, heads?, headStep?, layerGradient?, reduction?, update? }`,
);

/** The shipped algorithm an `algorithm` builds on. */
export function algorithmBase(a: AlgorithmData | undefined): AlgorithmName {
  return a === undefined ? 'paper' : typeof a === 'string' ? a : (a.base ?? 'paper');
}

const pretrainObject = z.strictObject({
  T: int(1),
  m: int(1),
  n1: int(1),
  n2: int(1),
  alpha: num.min(0).default(1),
  eta: num.min(0),
  rounds: int(0).default(1),
  loss: z.enum(['logistic', 'hinge', 'square', 'correlation']).default('correlation'),
  centerLabels: z.boolean().default(false),
  /** Default: `{ mode: 'step', steps: 1 }`, or `{ mode: 'fixed' }` for joint SGD (no inner step). */
  head: headUpdateSchema.optional(),
  headInit: z
    .discriminatedUnion(
      'kind',
      [
        z.strictObject({ kind: z.literal('zero') }),
        z.strictObject({ kind: z.literal('normal'), std: num.min(0) }),
      ],
      { error: oneOf('kind', ['zero', 'normal']) },
    )
    .optional(),
  optimizer: optimizerSchema.optional(),
  trainBias: z.boolean().default(false),
  normalizeRows: z.boolean().default(true),
  init: z
    .strictObject({
      weights: z.enum(['gaussian', 'sphere']).optional(),
      bias: biasSchema.optional(),
    })
    .optional(),
  dtype: z.enum(['float32', 'float64']).default('float32'),
  /**
   * How pretraining draws its samples: `explicit` (absent means explicit, so earlier configs
   * and their results are unchanged) or `projected`, the same law at a cost per task
   * independent of d, for gaussian and mixture inputs only (docs: Specification, 'The
   * projected sampler').
   */
  sampler: z.enum(['explicit', 'projected']).optional(),
  /**
   * The pretraining algorithm: 'paper' (absent means 'paper', so earlier configs and their
   * results are unchanged), 'joint-sgd', 'fomaml', 'anil', or pieces over one as plain data.
   */
  algorithm: algorithmSchema.optional(),
});

const PRETRAIN_KEYS = Object.keys(pretrainObject.shape);

/** The pretraining settings, with the head's default filled in for the algorithm chosen. */
const pretrainSchema = pretrainObject.transform((p) => {
  const head =
    p.head ??
    (algorithmBase(p.algorithm) === 'joint-sgd'
      ? { mode: 'fixed' as const }
      : { mode: 'step' as const, steps: 1 });
  // Rebuilt in the schema's key order, so a config's JSON form reads as before.
  const filled: Record<string, unknown> = { ...p, head };
  const out: Record<string, unknown> = {};
  for (const k of PRETRAIN_KEYS) if (filled[k] !== undefined) out[k] = filled[k];
  return out as typeof p & { head: NonNullable<typeof p.head> };
});

const downstreamSchema = z.strictObject({
  nTrain: int(1).default(200),
  nTest: int(1).default(2000),
  /** Std of the fresh Gaussian biases b' of the probe features phi(x) = relu(W' x + b'). */
  biasStd: num.min(0).default(0.5),
  /** L2 penalty of the logistic probe. */
  l2: num.min(0).default(1e-3),
  tasks: z
    .array(z.strictObject({ name: z.string().min(1), family: familySchema }))
    .min(1)
    .default([
      { name: 'halfspace', family: { kind: 'halfspace' } },
      { name: 'xor', family: { kind: 'xor', subset: [0, 1] } },
    ]),
  /** How the probe's train and test samples are drawn: as `pretrain.sampler` (absent means explicit). */
  sampler: z.enum(['explicit', 'projected']).optional(),
});

/** A study: one setting, the methods to compare, what to measure; see `configs/*.yaml`. */
export const studySchema = z.strictObject({
  name: z.string().min(1).default('study'),
  seed: int(0).default(0),
  /** Independent repetitions with seeds seed, seed + 1, ... */
  seeds: int(1).default(1),
  groundTruth: groundTruthSchema,
  inputs: inputsSchema.default({ kind: 'gaussian' }),
  family: familySchema.default({ kind: 'halfspace' }),
  pretrain: pretrainSchema,
  methods: z.array(z.string().min(1)).min(1).default(['multiTask', 'randomFeatures']),
  downstream: downstreamSchema.default({
    nTrain: 200,
    nTest: 2000,
    biasStd: 0.5,
    l2: 1e-3,
    tasks: [
      { name: 'halfspace', family: { kind: 'halfspace' } },
      { name: 'xor', family: { kind: 'xor', subset: [0, 1] } },
    ],
  }),
});

/** A validated study config with defaults filled in. */
export type StudyConfig = z.output<typeof studySchema>;
/** A study config as written by a user. */
export type StudyConfigInput = z.input<typeof studySchema>;

/** An invalid config: the message lists every bad field with what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid config ${source}:\n  - ${issues.join('\n  - ')}`);
  }
}

/**
 * Validates a parsed study config; unknown keys are refused.
 *
 * @throws {ConfigError} naming every bad field
 */
export function parseStudy(
  raw: unknown,
  source = '(inline)',
  extraCheck?: (c: StudyConfig) => string[],
): StudyConfig {
  const res = studySchema.safeParse(raw);
  if (!res.success) {
    throw new ConfigError(
      source,
      res.error.issues.map((i) => {
        const path = i.path.length > 0 ? i.path.join('.') : '(root)';
        const keys = (i as { keys?: string[] }).keys;
        return keys
          ? `${path}: unknown key(s) ${keys.map((k) => JSON.stringify(k)).join(', ')}`
          : `${path}: ${i.message}`;
      }),
    );
  }
  const cfg = res.data;
  const issues: string[] = [];
  if (cfg.groundTruth.r > cfg.groundTruth.d)
    issues.push(
      `groundTruth.r: must be <= groundTruth.d (${cfg.groundTruth.d}), got ${cfg.groundTruth.r}`,
    );
  issues.push(...samplerIssues(cfg));
  issues.push(...algorithmIssues(cfg));
  issues.push(...(extraCheck?.(cfg) ?? []));
  if (issues.length > 0) throw new ConfigError(source, issues);
  return cfg;
}

/**
 * A config that chooses an algorithm is also checked by @mtrl/pretrain, as the run will check it
 * (the head an algorithm allows, piece settings), so it is refused before any work; one problem
 * per bad field, named under `pretrain.`.
 */
function algorithmIssues(cfg: StudyConfig): string[] {
  if (cfg.pretrain.algorithm === undefined) return [];
  try {
    resolveConfig(pretrainConfigOf(cfg));
    return [];
  } catch (e) {
    const issues = (e as { issues?: readonly { field: string; message: string }[] }).issues;
    const strip = (m: string) => m.replace(/^pretrain: /, '');
    if (!Array.isArray(issues)) return [`pretrain: ${strip((e as Error).message)}`];
    return issues.map((i) => `pretrain.${i.field}: ${strip(i.message)}`);
  }
}

/** The projected sampler is exact only for gaussian and mixture inputs: one problem per place it is asked for on other inputs. */
function samplerIssues(cfg: StudyConfig): string[] {
  if (cfg.inputs.kind === 'gaussian' || cfg.inputs.kind === 'mixture') return [];
  return (['pretrain', 'downstream'] as const)
    .filter((part) => cfg[part].sampler === 'projected')
    .map(
      (part) =>
        `${part}.sampler: 'projected' is exact only for gaussian and mixture inputs, got ${cfg.inputs.kind} inputs; use sampler 'explicit'`,
    );
}

/**
 * The parsed (not yet validated) contents of a JSON or YAML config file.
 *
 * @throws {ConfigError} for an unreadable file or bad syntax
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [`cannot read the file: ${(e as Error).message}`]);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(path, [
      `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    ]);
  }
}

/**
 * Reads a study config from a JSON or YAML file and validates it.
 *
 * @throws {ConfigError} for unreadable files, bad syntax or invalid fields
 */
export function loadStudy(path: string, extraCheck?: (c: StudyConfig) => string[]): StudyConfig {
  return parseStudy(readConfigFile(path), path, extraCheck);
}
