import { writeFileSync } from 'node:fs';
import { getBackend } from '@mtrl/tensors';
import { Command, Option } from 'commander';
import { checkOutFile } from '../outPath.js';
import {
  checkPeerScript,
  defaultPeerScript,
  formatPerf,
  PEER_SIZES,
  type PerfOptions,
  ROUND_SIZES,
  type RoundSize,
  runPerf,
  SAMPLERS,
  type Sampler,
} from '../perf/index.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../usageError.js';
import { int } from './common.js';

interface PerfCliOptions {
  repeats: number;
  rounds: string;
  gemm: 'workload' | 'tiny' | 'none';
  threads: string;
  dtypes: string;
  samplers: string;
  peer?: 'numpy';
  peerScript?: string;
  json?: boolean | string;
  quiet?: boolean;
}

/**
 * `mtrl-bench perf`: GEMM, sampling and pretraining-round speed. Times every registered backend,
 * or only the one named by the program's `--backend` when it is given.
 */
export function perfCommand(): Command {
  return new Command('perf')
    .description(
      'GEMM GFLOP/s at the workload shapes, normal samples per second and the wall time of a pretraining round (medians)',
    )
    .option('--repeats <n>', 'repeats per measurement (after one warm-up)', int('--repeats'), 3)
    .addOption(
      new Option(
        '--rounds <sizes>',
        'pretraining rounds to time: comma list of quick, canonical, large, tiny, or none',
      ).default('quick,canonical'),
    )
    .addOption(
      new Option('--gemm <size>', 'GEMM and sampling shapes, or none to time only the rounds')
        .choices(['workload', 'tiny', 'none'])
        .default('workload'),
    )
    .option(
      '--threads <list>',
      'worker threads for the rounds: comma list of integers >= 1 or auto (the available cores); one row each',
      '1',
    )
    .option('--dtypes <list>', 'comma list of float32, float64', 'float32,float64')
    .option(
      '--samplers <list>',
      'samplers of the rounds: comma list of explicit, projected (the same law at a cost per task independent of d); one row each, side by side',
      'explicit',
    )
    .addOption(
      new Option(
        '--peer <name>',
        'once after our quick/canonical rounds of each thread count (every sampler), time the same round sampled explicitly in a peer implementation (numpy: ../shared/peers/numpy_step.py with OPENBLAS_NUM_THREADS = threads; its BLAS is named, and the reference BLAS warned about) and print ours/peer for every sampler',
      ).choices(['numpy']),
    )
    .option(
      '--peer-script <path>',
      'with --peer numpy: the peer script (default ../shared/peers/numpy_step.py beside the repository root, when it exists)',
    )
    .option(
      '--json [file]',
      'write the report as one JSON document to file (the table still goes to stdout), or without a file print only the JSON on stdout',
    )
    .option('--quiet', 'no progress output')
    .action(perf);
}

async function perf(opts: PerfCliOptions, cmd: Command): Promise<void> {
  if (typeof opts.json === 'string') checkOutFile(opts.json, '--json');
  const rounds = opts.rounds === 'none' ? [] : opts.rounds.split(',').map((s) => s.trim());
  for (const r of rounds) {
    if (!Object.hasOwn(ROUND_SIZES, r))
      throw new UsageError(
        `--rounds: unknown size ${JSON.stringify(r)} (expected quick, canonical, large, tiny or none)`,
      );
  }
  const samplers = opts.samplers.split(',').map((s) => s.trim());
  for (const s of samplers) {
    // A UsageError, unlike commander's errors thrown from an action, is printed.
    if (!(SAMPLERS as readonly string[]).includes(s))
      throw new UsageError(`--samplers: expected explicit or projected, got ${JSON.stringify(s)}`);
  }
  const cores = (await import('node:os')).availableParallelism();
  const threads = opts.threads.split(',').map((s) => {
    const v = s.trim();
    const n = v === 'auto' ? cores : Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--threads: expected integers >= 1 or auto, got ${JSON.stringify(v)}`);
    return n;
  });
  const dtypes = opts.dtypes.split(',').map((s) => s.trim());
  for (const d of dtypes) {
    if (d !== 'float32' && d !== 'float64')
      throw new UsageError(`--dtypes: expected float32 or float64, got ${JSON.stringify(d)}`);
  }
  if (opts.peerScript !== undefined && opts.peer === undefined)
    throw new UsageError('--peer-script only makes sense with --peer numpy');
  let peer: PerfOptions['peer'];
  if (opts.peer === 'numpy') {
    const script = opts.peerScript ?? defaultPeerScript();
    if (script === undefined)
      throw new UsageError(
        '--peer numpy: no ../shared/peers/numpy_step.py beside the repository root; pass the script with --peer-script <path>',
      );
    checkPeerScript(script);
    if (!rounds.some((r) => (PEER_SIZES as readonly string[]).includes(r)))
      throw new UsageError(
        `--peer numpy times the ${PEER_SIZES.join(' and ')} rounds; add one to --rounds`,
      );
    peer = { kind: 'numpy', script };
  }
  // `--backend` given: time that backend alone (the program's preAction hook has set it, `auto`
  // resolved); without it, every registered backend side by side.
  const chosen = cmd.parent?.getOptionValueSource('backend') === 'cli';
  const { runMeta } = await import('../meta.js');
  const report = await runPerf(
    {
      repeats: opts.repeats,
      rounds: rounds as RoundSize[],
      gemm: opts.gemm,
      dtypes: dtypes as ('float32' | 'float64')[],
      threads: [...new Set(threads)],
      samplers: [...new Set(samplers)] as Sampler[],
      ...(chosen ? { backends: [getBackend()] } : {}),
      ...(peer ? { peer } : {}),
    },
    createProgress(!!opts.quiet),
  );
  const doc = `${JSON.stringify({ command: 'perf', meta: runMeta(), ...report }, null, 2)}\n`;
  if (typeof opts.json === 'string') writeFileSync(opts.json, doc);
  if (opts.json === true) process.stdout.write(doc);
  else process.stdout.write(`${formatPerf(report)}\n`);
}
