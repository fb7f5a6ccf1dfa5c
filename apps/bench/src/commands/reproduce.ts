import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkBudget, limitsOf, reproduceEstimate } from '../budget.js';
import { checkOutDir } from '../outPath.js';
import { createProgress } from '../progress.js';
import type { ReproduceSize } from '../reproduce/sizes.js';
import {
  type BudgetCliOptions,
  Interrupted,
  int,
  maxMemoryOption,
  maxWorkOption,
  warn,
  withInterrupt,
} from './common.js';

interface ReproduceCliOptions extends BudgetCliOptions {
  size: 'tiny' | 'quick' | 'paper' | 'wide';
  out?: string;
  control?: 'untrained' | 'shuffled-labels';
  sampler?: 'explicit' | 'projected';
  seeds?: number;
  jobs: number | 'auto';
  resume?: boolean;
  fresh?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const jobsArg = (v: string): number | 'auto' => {
  const n = Number(v);
  if (v === 'auto') return v;
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(
      `--jobs must be an integer >= 1 or auto, got ${JSON.stringify(v)}`,
    );
  return n;
};

/** `mtrl-bench reproduce`: the paper's experiments, their claims, tables and figures. */
export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(
      'run the experiments of the paper and write results.json, CSVs, SVG figures and report.md',
    )
    .addOption(
      new Option(
        '--size <size>',
        'quick: seconds on 2 cores (wasm backend); paper: d up to 2048, T up to 512, about 10 minutes on 2 cores; wide: d up to 65536 with the projected sampler, minutes on 2 cores; tiny: seconds, for tests',
      )
        .choices(['tiny', 'quick', 'paper', 'wide'])
        .default('quick'),
    )
    .option('--out <dir>', 'output directory (default out/<size>, or out/<size>-<control>)')
    .addOption(
      new Option(
        '--control <control>',
        'a negative control under which every claim must fail: untrained (no training) or shuffled-labels (labels independent of the inputs)',
      ).choices(['untrained', 'shuffled-labels']),
    )
    .addOption(
      new Option(
        '--sampler <sampler>',
        "how every pretraining and downstream sample is drawn: explicit (in R^d) or projected (in a basis of the network's rows and the hidden directions, the same law for Gaussian inputs at a cost that does not grow with d); default: projected for wide, explicit for the other sizes",
      ).choices(['explicit', 'projected']),
    )
    .option(
      '--seeds <n>',
      'number of seeds (default: 1 for tiny, 2 for quick and wide, 3 for paper)',
      int('--seeds'),
    )
    .option(
      '--jobs <n>',
      'worker threads running the independent units of the reproduction: an integer >= 1 or auto (the available cores); results are the same for every value',
      jobsArg,
      'auto',
    )
    .option(
      '--resume',
      'the default, kept for older scripts: a rerun in the same --out continues an interrupted run, taking the units in its units.jsonl (same size and software) instead of running them again',
    )
    .option(
      '--fresh',
      'start anew in an --out that holds an earlier journal: units.jsonl is moved aside (renamed to units.jsonl.<time>.bak), never deleted',
    )
    .option('--json', 'print results.json on stdout instead of the summary')
    .option('--quiet', 'no progress output')
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(reproduceAction);
}

/** The size with every sample drawn by `sampler` (absent: the size's own). */
function withSampler(
  size: ReproduceSize,
  sampler: 'explicit' | 'projected' | undefined,
): ReproduceSize {
  if (sampler === undefined) return size;
  const { sampler: _own, ...rest } = size;
  return sampler === 'projected' ? { ...rest, sampler } : rest;
}

async function reproduceAction(opts: ReproduceCliOptions): Promise<void> {
  const { SIZES } = await import('../reproduce/sizes.js');
  const { reproduce, reproduceFiles } = await import('../reproduce/run.js');
  const { runMeta } = await import('../meta.js');
  const { softwareVersions } = await import('../queue/sweepIdentity.js');
  const size = withSampler(
    opts.control === undefined ? SIZES[opts.size] : { ...SIZES[opts.size], control: opts.control },
    opts.sampler,
  );
  // A sampler other than the size's own gets its own folder, so its journal is not mixed up.
  const otherSampler =
    opts.sampler !== undefined && opts.sampler !== (SIZES[opts.size].sampler ?? 'explicit');
  const outDir =
    opts.out ??
    join(
      'out',
      `${size.name}${opts.control ? `-${opts.control}` : ''}${otherSampler ? `-${opts.sampler}` : ''}`,
    );
  const seeds = opts.seeds ?? size.seeds;
  const jobs = opts.jobs === 'auto' ? availableParallelism() : opts.jobs;
  checkBudget(
    `reproduce --size ${size.name}`,
    reproduceEstimate(size, seeds, jobs),
    limitsOf(opts),
  );
  checkOutDir(outDir, reproduceFiles());
  const meta = runMeta();
  const res = await withInterrupt((signal) =>
    reproduce(size, {
      outDir,
      seeds,
      progress: createProgress(!!opts.quiet),
      signal,
      meta,
      jobs,
      // A plain rerun continues from the journal (a journal of another run is refused, naming
      // the difference); --fresh moves it aside, and wins over --resume.
      resume: !opts.fresh,
      fresh: !!opts.fresh,
      warn,
      // The kernel too: relaxed-SIMD multiply-adds round differently from the plain ones;
      // and the built code, which can change without a version.
      software: {
        ...softwareVersions(meta),
        'gemm kernel': meta.gemmKernel,
        'elementwise path': meta.software.elementwisePath,
        'built code': meta.software.code.slice(0, 16),
      },
    }),
  );
  if (opts.json) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  else {
    const { claimLines } = await import('../reproduce/claims.js');
    const held = res.claims.filter((c) => c.held === true).length;
    const unmeasured = res.claims.filter((c) => c.held === null).length;
    process.stdout.write(
      `reproduce ${size.name}${size.sampler === 'projected' ? ' (projected sampler)' : ''}: ${held}/${res.claims.length} claims held${unmeasured > 0 ? `, ${unmeasured} not measured` : ''} in ${res.seconds.toFixed(1)} s (${res.jobs} job${res.jobs > 1 ? 's' : ''}, peak RSS ${Math.round(res.peakRssBytes / 2 ** 20)} MiB); wrote ${outDir}/results.json, report.md, *.csv, *.svg\n${claimLines(res.claims).join('\n')}\n`,
    );
  }
  if (!res.completed)
    throw new Interrupted(
      `the finished units were written to ${outDir}/units.jsonl; rerunning the same command (\`mtrl-bench reproduce --size ${size.name}${opts.control === undefined ? '' : ` --control ${opts.control}`}${opts.sampler === undefined ? '' : ` --sampler ${opts.sampler}`}${opts.out === undefined ? '' : ` --out ${opts.out}`}${opts.seeds === undefined ? '' : ` --seeds ${opts.seeds}`}\`) continues from them`,
    );
}
