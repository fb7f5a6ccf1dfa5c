import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDifferences } from './configDifferences.js';
import { type Software, softwareDifferences } from './fingerprint.js';
import { canonicalJson } from './queue/sweepIdentity.js';
import type { SweepLog, SweepPoint } from './sweepLog.js';
import { UsageError } from './usageError.js';

/** The identity file of a sweep folder: the base config every point of the folder was made from. */
export const SWEEP_FILE = 'sweep.json';

interface SweepFile {
  readonly format: 'mtrl-sweep';
  /** SHA-256 of the base config as canonical JSON (keys sorted). */
  readonly baseHash: string;
  readonly base: unknown;
  readonly createdAt: string;
}

/** SHA-256 of a base config as canonical JSON: the same for the same fields in any order or syntax. */
export function baseConfigHash(base: unknown): string {
  return createHash('sha256').update(canonicalJson(base)).digest('hex');
}

/**
 * Makes `outDir` the folder of the sweep of `base` before any point runs. A sweep is known by
 * its base config's hash and its points' grid values, so a folder holding a sweep of another
 * base config is refused with the differing fields named, as are points recorded there with
 * another config (folders of older benches, without sweep.json) and results computed by other
 * `software` (another build, backend or kernel). A malformed sweep.json is set aside
 * (renamed to `sweep.json.<time>.bad`, with a warning) and the records decide.
 *
 * @throws {UsageError} naming the difference and what to do
 */
export function claimSweepDir(
  outDir: string,
  base: unknown,
  log: SweepLog<unknown>,
  points: readonly SweepPoint[],
  software: Software | undefined,
  warn: (message: string) => void,
): void {
  const file = join(outDir, SWEEP_FILE);
  const baseHash = baseConfigHash(base);
  const fix = 'use another --out, or move the folder aside';
  let known: SweepFile | undefined;
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SweepFile> | null;
      if (parsed?.format !== 'mtrl-sweep' || typeof parsed.baseHash !== 'string')
        throw new Error('not an mtrl-bench sweep file');
      known = parsed as SweepFile;
    } catch (e) {
      const aside = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bad`;
      renameSync(file, aside);
      warn(`set aside ${file}, which is malformed (${(e as Error).message}), as ${aside}`);
    }
  }
  if (known !== undefined && known.baseHash !== baseHash)
    throw new UsageError(
      `${outDir} holds a sweep of another base config (${configDifferences(known.base, base).join('; ')}): ${fix}`,
    );
  for (const p of points) {
    const rec = log.get(p.id);
    if (rec !== undefined && canonicalJson(rec.config) !== canonicalJson(p.config))
      throw new UsageError(
        `${log.file} holds the point ${JSON.stringify(p.point)} run with another config (${configDifferences(rec.config, p.config).join('; ')}): ${fix}`,
      );
  }
  if (software !== undefined) {
    const others = log
      .records()
      .map((r) => ({
        point: r.point,
        diffs: softwareDifferences(
          (r.result as { meta?: { software?: Software } }).meta?.software,
          software,
          ['there', 'here'],
        ),
      }))
      .filter((o) => o.diffs.length > 0);
    if (others.length > 0)
      throw new UsageError(
        `${log.file} holds ${others.length} point(s) computed by other software (${others[0].diffs.join('; ')}); one sweep's results must come from one build and kernel: ${fix}, or rebuild what made them`,
      );
  }
  if (known === undefined) {
    mkdirSync(outDir, { recursive: true });
    const doc: SweepFile = {
      format: 'mtrl-sweep',
      baseHash,
      base,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  }
}
