import { z } from 'zod';
import { ConfigError, parseStudy, type StudyConfig } from './config.js';
import { getPath, holds, pointId } from './overrides.js';
import { canonicalJson } from './queue/sweepIdentity.js';
import { type MethodRun, summarizeRuns } from './study.js';

// Results travel as plain JSON (results.jsonl, BullMQ return values): NaN arrives as null (the
// standard error of one seed, the numbers of a diverged method). Objects may carry fields this
// schema does not name (a study result grows fields over time); the named ones are checked.
const num = z.number().nullable();
const accuracy = z.number().min(0).max(1).nullable();
const meanAndStderr = z.object({ mean: num, stderr: num });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits');

/** A result's software (see `Software`). */
export const softwareSchema = z.strictObject({
  fingerprint: hex64,
  code: hex64,
  backend: z.string(),
  gemmKernel: z.string(),
  elementwisePath: z.string(),
});

const metaSchema = z.object({
  bench: z.string(),
  commit: z.string().nullable(),
  packages: z.record(z.string(), z.string()),
  machine: z.object({
    cores: z.number(),
    cpu: z.string(),
    memoryGiB: z.number(),
    platform: z.string(),
    arch: z.string(),
  }),
  node: z.string(),
  backend: z.string(),
  gemmKernel: z.string(),
  software: softwareSchema,
  startedAt: z.string(),
});

const runSchema = z.object({
  method: z.string(),
  seed: z.number().int().min(0),
  probes: z.object({
    energy: num,
    coverage: num,
    effectiveRank: num,
    singularValues: z.array(num),
    anglesDeg: z.array(num),
  }),
  downstream: z.record(
    z.string(),
    z.object({ testAccuracy: accuracy, trainAccuracy: accuracy, converged: z.boolean() }),
  ),
  seconds: z.number().min(0),
});

/**
 * The result of one sweep point as a local sweep records it and a queue worker returns it: a
 * completed study result with the run's meta (software fingerprint included) and, from a queue
 * worker, the id of the job it answers.
 */
export const sweepResultSchema = z.object({
  name: z.string(),
  seeds: z.array(z.number().int().min(0)),
  runs: z.array(runSchema),
  summary: z.array(
    z.object({
      method: z.string(),
      energy: meanAndStderr,
      coverage: meanAndStderr,
      downstream: z.record(z.string(), meanAndStderr),
    }),
  ),
  completed: z.literal(true),
  meta: metaSchema,
  job: z.string().optional(),
});

const issuesOf = (e: z.ZodError, prefix: string) =>
  e.issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== '').join('.')}: ${i.message}`);

/**
 * What is wrong with `value` as the result of a sweep point with `config`: its shape (the
 * schema above), then its agreement with the config (name, seeds, one run per seed and method,
 * each downstream task) and with itself (the summary is the mean and standard error of the
 * runs), then the expected software fingerprint and job id.
 *
 * @returns one line per problem; empty when the result is sound
 */
export function sweepResultProblems(
  value: unknown,
  config: StudyConfig,
  expected: { fingerprint?: string; job?: string } = {},
  prefix = 'result',
): string[] {
  const parsed = sweepResultSchema.safeParse(value);
  if (!parsed.success) return issuesOf(parsed.error, prefix).slice(0, 8);
  const r = parsed.data;
  const problems: string[] = [];
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  if (r.name !== config.name)
    problems.push(
      `${prefix}.name: ${JSON.stringify(r.name)}, the config says ${JSON.stringify(config.name)}`,
    );
  if (canonicalJson(r.seeds) !== canonicalJson(seeds))
    problems.push(
      `${prefix}.seeds: ${canonicalJson(r.seeds)}, the config says ${canonicalJson(seeds)}`,
    );
  const want = seeds.flatMap((seed) => config.methods.map((method) => `${method} seed ${seed}`));
  const got = r.runs.map((x) => `${x.method} seed ${x.seed}`);
  if (canonicalJson(got) !== canonicalJson(want))
    problems.push(`${prefix}.runs: ${got.join(', ') || 'none'}; expected ${want.join(', ')}`);
  const tasks = canonicalJson(config.downstream.tasks.map((t) => t.name).sort());
  for (const [i, x] of r.runs.entries())
    if (canonicalJson(Object.keys(x.downstream).sort()) !== tasks)
      problems.push(
        `${prefix}.runs.${i}.downstream: tasks ${Object.keys(x.downstream).join(', ')}; expected ${tasks}`,
      );
  if (problems.length === 0) {
    // JSON carried NaN as null: back to NaN, so the summary is recomputed as it was computed.
    const runs = JSON.parse(JSON.stringify(r.runs), (_k, v) => (v === null ? Number.NaN : v));
    const summary = summarizeRuns(runs as MethodRun[], config);
    if (canonicalJson(summary) !== canonicalJson(r.summary))
      problems.push(`${prefix}.summary: not the mean and standard error of ${prefix}.runs`);
  }
  if (expected.fingerprint !== undefined && r.meta.software.fingerprint !== expected.fingerprint)
    problems.push(
      `${prefix}.meta.software.fingerprint: ${r.meta.software.fingerprint.slice(0, 12)}, the sweep's is ${expected.fingerprint.slice(0, 12)}`,
    );
  if (expected.job !== undefined && r.job !== expected.job)
    problems.push(
      `${prefix}.job: ${JSON.stringify(r.job ?? null)}, expected the job ${JSON.stringify(expected.job)} it came from`,
    );
  return problems;
}

const recordSchema = z.strictObject({
  id: z.string(),
  point: z.record(z.string(), z.unknown()),
  config: z.unknown(),
  result: z.unknown(),
});

/**
 * What is wrong with one line of a sweep's results.jsonl: its shape, an id that is not its
 * point's, a config that does not validate or does not hold the point's values, a result that
 * fails {@link sweepResultProblems}.
 *
 * @returns one line per problem; empty when the record is sound
 */
export function sweepRecordProblems(value: unknown): string[] {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return issuesOf(parsed.error, '');
  const rec = parsed.data;
  if (rec.id !== pointId(rec.point))
    return [`id: ${JSON.stringify(rec.id)} is not the id of its point`];
  let config: StudyConfig;
  try {
    config = parseStudy(rec.config, 'config');
  } catch (e) {
    return e instanceof ConfigError ? e.issues.map((i) => `config.${i}`) : [String(e)];
  }
  if (canonicalJson(config) !== canonicalJson(rec.config))
    return ['config: not a validated config (defaults missing)'];
  for (const [path, v] of Object.entries(rec.point))
    if (!holds(getPath(config, path), v))
      return [
        `point: ${path} = ${canonicalJson(v)}, but the config has ${canonicalJson(getPath(config, path) ?? null)}`,
      ];
  return sweepResultProblems(rec.result, config);
}
