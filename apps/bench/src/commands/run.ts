import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { checkBudget, limitsOf, studyEstimate } from '../budget.js';
import { loadStudy } from '../config.js';
import { checkMethods } from '../methods.js';
import { checkOutFile } from '../outPath.js';
import { createProgress } from '../progress.js';
import { formatStudy, runStudy } from '../study.js';
import {
  type BudgetCliOptions,
  Interrupted,
  maxMemoryOption,
  maxWorkOption,
  withInterrupt,
} from './common.js';

interface RunCliOptions extends BudgetCliOptions {
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

/** `mtrl-bench run <config>`: one study from a config file. */
export function runCommand(): Command {
  return new Command('run')
    .description('run one study described by a JSON or YAML config (see apps/bench/configs/)')
    .argument('<config>', 'path to a .json, .yaml or .yml study config')
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
  const cfg = loadStudy(path, checkMethods);
  checkBudget(`run ${path}`, studyEstimate(cfg), limitsOf(opts));
  if (opts.out !== undefined) checkOutFile(opts.out);
  const { runMeta } = await import('../meta.js');
  const meta = runMeta();
  const res = await withInterrupt((signal) => runStudy(cfg, createProgress(!!opts.quiet), signal));
  const doc = { command: 'run', config: cfg, meta, ...res };
  // Printed first: should writing --out still fail (a full disk), the result is not lost.
  process.stdout.write(
    opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatStudy(res, cfg)}\n`,
  );
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
  if (!res.completed) throw new Interrupted();
}
