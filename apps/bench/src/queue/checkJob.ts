import { z } from 'zod';
import { checkBudget, type Limits, studyEstimate } from '../budget.js';
import { ConfigError, parseStudy, type StudyConfig } from '../config.js';
import { configPathProblem } from '../configPaths.js';
import { type Software, softwareDifferences } from '../fingerprint.js';
import { checkMethods } from '../methods.js';
import { getPath, holds, pointId } from '../overrides.js';
import { softwareSchema } from '../sweepRecord.js';
import { canonicalJson, type SweepJobData, versionDifferences } from './sweepIdentity.js';

const jobDataSchema = z.strictObject({
  sweep: z.string().regex(/^[0-9a-f]{64}$/, 'expected the sweep fingerprint, 64 hex digits'),
  id: z.string(),
  point: z.record(z.string(), z.unknown()),
  config: z.unknown(),
  packages: z.record(z.string(), z.string()),
  software: softwareSchema,
});

/**
 * Validates a queued job as the CLI validates a sweep point before running it: the job's shape,
 * the coordinator's package versions and software against this worker's (fingerprints must be
 * equal), the config
 * against the schema and the known methods, the point id and values against the config, and
 * the study's memory and work against this worker's limits.
 *
 * @returns the validated config
 * @throws {Error} naming every problem (the caller fails the job without retrying it)
 */
export function checkJob(
  data: unknown,
  packages: Readonly<Record<string, string>>,
  software: Software,
  limits: Limits,
): StudyConfig {
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(
      `malformed job data: ${parsed.error.issues
        .slice(0, 8)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  const job = parsed.data as SweepJobData;
  const versions = versionDifferences(job.packages, packages);
  if (versions.length > 0)
    throw new Error(
      `this worker runs other package versions than the coordinator: ${versions.join('; ')}`,
    );
  const diffs = softwareDifferences(job.software, software);
  if (diffs.length > 0)
    throw new Error(`this worker runs other software than the coordinator: ${diffs.join('; ')}`);
  let config: StudyConfig;
  try {
    config = parseStudy(
      job.config,
      `job config of point ${JSON.stringify(job.point)}`,
      checkMethods,
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(e.issues.join('; '));
    throw e;
  }
  for (const path of Object.keys(job.point)) {
    const problem = configPathProblem(path);
    if (problem !== undefined) throw new Error(`point path ${path}: ${problem}`);
  }
  if (job.id !== pointId(job.point))
    throw new Error(`job id ${JSON.stringify(job.id)} is not the id of its point`);
  const off = Object.entries(job.point).filter(([path, v]) => !holds(getPath(config, path), v));
  if (off.length > 0)
    throw new Error(
      `the config does not hold the point's values: ${off
        .map(
          ([path, v]) =>
            `${path} = ${canonicalJson(v)} in the point, ${canonicalJson(getPath(config, path) ?? null)} in the config`,
        )
        .join('; ')}`,
    );
  checkBudget('the point', studyEstimate(config), limits);
  return config;
}
