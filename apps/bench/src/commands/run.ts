import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { checkBudget, limitsOf, studyEstimate } from '../budget.js';
import { readConfigFile } from '../config.js';
import { checkMethods } from '../methods.js';
import { checkOutFile } from '../outPath.js';
import { overrideStudy } from '../overrides.js';
import { createProgress } from '../progress.js';
import { formatStudy, runStudy } from '../study.js';
import {
  addOverrideOptions,
  type BudgetCliOptions,
  Interrupted,
  maxMemoryOption,
  maxWorkOption,
  type OverrideCliOptions,
  overridesOf,
  withInterrupt,
} from './common.js';

interface RunCliOptions extends BudgetCliOptions, OverrideCliOptions {
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

/** `mtrl-bench run <config>`: one study from a config file. */
export function runCommand(): Command {
  const cmd = new Command('run')
    .description('run one study described by a JSON or YAML config (see apps/bench/configs/)')
    .argument('<config>', 'path to a .json, .yaml or .yml study config');
  return addOverrideOptions(cmd, 'file')
    .option(
      '--json',
      'print one JSON document on stdout (per method: energy, coverage, downstream accuracies)',
    )
    .option('--out <file>', 'also write the JSON result to this file')
    .option('--quiet', 'no progress output')
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(run);
}

async function run(path: string, opts: RunCliOptions): Promise<void> {
  // The overrides are checked (paths, then the whole config) before any work.
  const overrides = overridesOf(opts);
  const cfg = overrideStudy(readConfigFile(path), path, overrides, checkMethods);
  checkBudget(`run ${path}`, studyEstimate(cfg), limitsOf(opts));
  if (opts.out !== undefined) checkOutFile(opts.out);
  const { runMeta } = await import('../meta.js');
  const meta = runMeta();
  const res = await withInterrupt(
    (signal) => runStudy(cfg, createProgress(!!opts.quiet), signal),
    'stopping after the method in progress; the finished runs are printed (`run` keeps no journal: rerunning starts over)',
  );
  const doc = { command: 'run', config: cfg, meta, ...res };
  // Printed first: should writing --out still fail (a full disk), the result is not lost.
  process.stdout.write(
    opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatStudy(res, cfg)}\n`,
  );
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
  if (!res.completed)
    throw new Interrupted(
      `the results above hold ${res.runs.length} of ${res.seeds.length * cfg.methods.length} method run(s)${opts.out ? ` (also in ${opts.out})` : ''}; \`run\` keeps no journal, so rerunning the same command starts the study over (\`mtrl-bench sweep\` records each finished point and a rerun resumes from them)`,
    );
}
