import { appendFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { getBackend, setBackend } from '@mtrl/tensors';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  checkBudget,
  DEFAULT_MAX_TFLOP,
  limitsOf,
  reproduceEstimate,
  studyEstimate,
  sweepEstimate,
} from './budget.js';
import { ConfigError, loadStudy, readConfigFile } from './config.js';
import type { RunMeta } from './meta.js';
import { checkMethods } from './methods.js';
import { checkOutDir, checkOutFile } from './outPath.js';
import { parseGridAxis } from './overrides.js';
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
} from './perf.js';
import { createProgress, type Progress } from './progress.js';
import { parseRedisUrl, redactUrl } from './queue/redisUrl.js';
import { checkQueueName } from './queue/sweepIdentity.js';
import { formatStudy, runStudy } from './study.js';
import { planSweep, runSweep, runSweepPoint, type SweepPoint } from './sweep.js';
import { writeSweepSummary } from './sweepLog.js';
import { UsageError } from './usageError.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be an integer >= 1, got ${JSON.stringify(v)}`);
  return n;
};

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(v)}`);
  return n;
};

/** The size limits of the commands that compute: `--max-memory` and `--max-work`. */
interface BudgetCliOptions {
  maxMemory?: number;
  maxWork?: number;
}

/** `--max-memory <GiB>`: the memory limit of the commands that compute. */
const maxMemoryOption = () =>
  new Option(
    '--max-memory <GiB>',
    "refuse work whose estimated memory exceeds this (default: this machine's free memory)",
  ).argParser(positive('--max-memory'));

/** `--max-work <TFLOP>`: the work limit of the commands that compute. */
const maxWorkOption = () =>
  new Option(
    '--max-work <TFLOP>',
    `refuse work whose estimated floating-point operations exceed this many TFLOP (default ${DEFAULT_MAX_TFLOP}, about 6 h at 50 GFLOP/s)`,
  ).argParser(positive('--max-work'));

/** Warnings reach stderr even with --quiet: a record set aside or a failed point must be seen. */
const warn = (line: string) => process.stderr.write(`mtrl-bench: ${line}\n`);

/** Builds the `mtrl-bench` command line. Exported for tests, which run it in-process. */
export function buildCli(): Command {
  const program = new Command('mtrl-bench')
    .description(
      'Reproduce "Provable Multi-Task Representation Learning by Two-Layer ReLU Neural Networks" (Collins et al., ICML 2024), run studies and measure speed.',
    )
    .option('-V, --version', 'print the versions of mtrl-bench and of the @mtrl packages it runs')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addOption(
      new Option(
        '--backend <name>',
        'compute backend of @mtrl/tensors: wasm (WebAssembly SIMD), js (the TypeScript reference), or auto (wasm where available); recorded in every result',
      )
        .choices(['auto', 'wasm', 'js'])
        .default('auto'),
    )
    .hook('preAction', (cmd) => {
      setBackend(cmd.opts<{ backend: string }>().backend);
      // Worker threads (queued sweeps) read the resolved name from the environment.
      process.env.MTRL_BACKEND = getBackend();
    });

  program
    .command('perf')
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
        'after each of our quick/canonical rounds, time the same round in a peer implementation (numpy: ../shared/peers/numpy_step.py with OPENBLAS_NUM_THREADS = threads) and print ours/peer',
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
    .action(
      async (opts: {
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
      }) => {
        if (typeof opts.json === 'string') checkOutFile(opts.json, '--json');
        const rounds = opts.rounds === 'none' ? [] : opts.rounds.split(',').map((s) => s.trim());
        for (const r of rounds) {
          if (!Object.hasOwn(ROUND_SIZES, r))
            throw new InvalidArgumentError(
              `--rounds: unknown size ${JSON.stringify(r)} (expected quick, canonical, large, tiny or none)`,
            );
        }
        const samplers = opts.samplers.split(',').map((s) => s.trim());
        for (const s of samplers) {
          // A UsageError, unlike commander's errors thrown from an action, is printed.
          if (!(SAMPLERS as readonly string[]).includes(s))
            throw new UsageError(
              `--samplers: expected explicit or projected, got ${JSON.stringify(s)}`,
            );
        }
        const cores = (await import('node:os')).availableParallelism();
        const threads = opts.threads.split(',').map((s) => {
          const v = s.trim();
          const n = v === 'auto' ? cores : Number(v);
          if (!Number.isInteger(n) || n < 1)
            throw new InvalidArgumentError(
              `--threads: expected integers >= 1 or auto, got ${JSON.stringify(v)}`,
            );
          return n;
        });
        const dtypes = opts.dtypes.split(',').map((s) => s.trim());
        for (const d of dtypes) {
          if (d !== 'float32' && d !== 'float64')
            throw new InvalidArgumentError(
              `--dtypes: expected float32 or float64, got ${JSON.stringify(d)}`,
            );
        }
        if (opts.peerScript !== undefined && opts.peer === undefined)
          throw new InvalidArgumentError('--peer-script only makes sense with --peer numpy');
        let peer: PerfOptions['peer'];
        if (opts.peer === 'numpy') {
          const script = opts.peerScript ?? defaultPeerScript();
          if (script === undefined)
            throw new InvalidArgumentError(
              '--peer numpy: no ../shared/peers/numpy_step.py beside the repository root; pass the script with --peer-script <path>',
            );
          checkPeerScript(script);
          if (!rounds.some((r) => (PEER_SIZES as readonly string[]).includes(r)))
            throw new InvalidArgumentError(
              `--peer numpy times the ${PEER_SIZES.join(' and ')} rounds; add one to --rounds`,
            );
          peer = { kind: 'numpy', script };
        }
        const { runMeta } = await import('./meta.js');
        const report = await runPerf(
          {
            repeats: opts.repeats,
            rounds: rounds as RoundSize[],
            gemm: opts.gemm,
            dtypes: dtypes as ('float32' | 'float64')[],
            threads: [...new Set(threads)],
            samplers: [...new Set(samplers)] as Sampler[],
            ...(peer ? { peer } : {}),
          },
          createProgress(!!opts.quiet),
        );
        const doc = `${JSON.stringify({ command: 'perf', meta: runMeta(), ...report }, null, 2)}\n`;
        if (typeof opts.json === 'string') writeFileSync(opts.json, doc);
        if (opts.json === true) process.stdout.write(doc);
        else process.stdout.write(`${formatPerf(report)}\n`);
      },
    );

  program
    .command('reproduce')
    .description(
      'run the experiments of the paper and write results.json, CSVs, SVG figures and report.md',
    )
    .addOption(
      new Option(
        '--size <size>',
        'quick: seconds on 2 cores (wasm backend); paper: d up to 2048, T up to 512, about 10 minutes on 2 cores; tiny: seconds, for tests',
      )
        .choices(['tiny', 'quick', 'paper'])
        .default('quick'),
    )
    .option('--out <dir>', 'output directory (default out/<size>, or out/<size>-<control>)')
    .addOption(
      new Option(
        '--control <control>',
        'a negative control under which every claim must fail: untrained (no training) or shuffled-labels (labels independent of the inputs)',
      ).choices(['untrained', 'shuffled-labels']),
    )
    .option(
      '--seeds <n>',
      'number of seeds (default: 1 for tiny, 2 for quick, 3 for paper)',
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
      'continue an interrupted run in the same --out: the units in its units.jsonl (same size and software) are not run again',
    )
    .option(
      '--fresh',
      'start anew in an --out that holds an earlier journal: units.jsonl is moved aside (renamed to units.jsonl.<time>.bak), never deleted; wins over --resume',
    )
    .option('--json', 'print results.json on stdout instead of the summary')
    .option('--quiet', 'no progress output')
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(
      async (
        opts: BudgetCliOptions & {
          size: 'tiny' | 'quick' | 'paper';
          out?: string;
          control?: 'untrained' | 'shuffled-labels';
          seeds?: number;
          jobs: number | 'auto';
          resume?: boolean;
          fresh?: boolean;
          json?: boolean;
          quiet?: boolean;
        },
      ) => {
        const { SIZES } = await import('./reproduce/sizes.js');
        const { reproduce, reproduceFiles } = await import('./reproduce/run.js');
        const { runMeta } = await import('./meta.js');
        const { softwareVersions } = await import('./queue/sweepIdentity.js');
        const size =
          opts.control === undefined
            ? SIZES[opts.size]
            : { ...SIZES[opts.size], control: opts.control };
        const outDir =
          opts.out ?? join('out', `${size.name}${opts.control ? `-${opts.control}` : ''}`);
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
            // --fresh wins over --resume, so `npm run reproduce -- --fresh` starts anew.
            resume: !!opts.resume && !opts.fresh,
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
          const { claimLines } = await import('./reproduce/claims.js');
          const held = res.claims.filter((c) => c.held === true).length;
          const unmeasured = res.claims.filter((c) => c.held === null).length;
          process.stdout.write(
            `reproduce ${size.name}: ${held}/${res.claims.length} claims held${unmeasured > 0 ? `, ${unmeasured} not measured` : ''} in ${res.seconds.toFixed(1)} s (${res.jobs} job${res.jobs > 1 ? 's' : ''}); wrote ${outDir}/results.json, report.md, *.csv, *.svg\n${claimLines(res.claims).join('\n')}\n`,
          );
        }
        if (!res.completed)
          throw new Interrupted(
            `the finished units were written; \`mtrl-bench reproduce --size ${size.name}${opts.control === undefined ? '' : ` --control ${opts.control}`}${opts.out === undefined ? '' : ` --out ${opts.out}`}${opts.seeds === undefined ? '' : ` --seeds ${opts.seeds}`} --resume\` continues`,
          );
      },
    );

  program
    .command('run')
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
    .action(
      async (
        path: string,
        opts: BudgetCliOptions & { json?: boolean; out?: string; quiet?: boolean },
      ) => {
        const cfg = loadStudy(path, checkMethods);
        checkBudget(`run ${path}`, studyEstimate(cfg), limitsOf(opts));
        if (opts.out !== undefined) checkOutFile(opts.out);
        const { runMeta } = await import('./meta.js');
        const meta = runMeta();
        const res = await withInterrupt((signal) =>
          runStudy(cfg, createProgress(!!opts.quiet), signal),
        );
        const doc = { command: 'run', config: cfg, meta, ...res };
        // Printed first: should writing --out still fail (a full disk), the result is not lost.
        process.stdout.write(
          opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatStudy(res, cfg)}\n`,
        );
        if (opts.out) writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
        if (!res.completed) throw new Interrupted();
      },
    );

  program
    .command('sweep')
    .description(
      'run a study over the cartesian product of settings; results are appended as they finish and a rerun resumes. With --queue the points run on mtrl-bench workers on any number of machines',
    )
    .argument('<config>', 'path to the base study config')
    .requiredOption(
      '--grid <key=v1,v2...>',
      'a grid axis as a dotted config path and values (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--out <dir>', 'results directory (results.jsonl, summary.csv)', 'out/sweep')
    .option('--quiet', 'no progress output')
    .option(
      '--queue <url>',
      'run the points on `mtrl-bench worker`s through Redis at redis://HOST:PORT[/DB], waiting for all of them',
      redisUrlArg,
    )
    .option(
      '--queue-name <name>',
      'with --queue: the BullMQ queue (default: mtrl-sweep-<hash of the config and grid>)',
      queueNameArg,
    )
    .option('--no-wait', 'with --queue: enqueue and exit; rerun without it to collect the results')
    .option(
      '--clear-queue',
      'with --queue: delete the jobs already on the queue first (results.jsonl is kept)',
    )
    .option(
      '--stalled-interval <ms>',
      'with --queue: how often to look for jobs of dead workers (default 30000)',
      int('--stalled-interval'),
    )
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(async (path: string, opts: SweepCliOptions, cmd: Command) => {
      if (opts.queue === undefined) {
        const stray = [
          opts.queueName !== undefined && '--queue-name',
          !opts.wait && '--no-wait',
          opts.clearQueue && '--clear-queue',
          opts.stalledInterval !== undefined && '--stalled-interval',
        ].filter(Boolean);
        if (stray.length > 0)
          cmd.error(
            `error: ${stray.join(', ')} only make(s) sense with --queue redis://HOST:PORT`,
            {
              exitCode: 2,
              code: 'mtrl-bench.usage',
            },
          );
      }
      const base = readConfigFile(path);
      const points = planSweep(base, path, opts.grid.map(parseGridAxis), checkMethods);
      const limits = limitsOf(opts);
      if (opts.queue === undefined)
        checkBudget(`sweep ${path}`, sweepEstimate(points.map((p) => p.config)), limits);
      // Each queued point runs on its own: the largest one must fit (each worker checks it too).
      else
        for (const p of points)
          checkBudget(
            `sweep ${path} point ${JSON.stringify(p.point)}`,
            studyEstimate(p.config),
            limits,
          );
      checkOutDir(opts.out, SWEEP_FILES);
      const { runMeta } = await import('./meta.js');
      const meta = runMeta();
      const progress = createProgress(!!opts.quiet);
      if (opts.queue !== undefined)
        return sweepOnQueue(opts.queue, points, base, opts, meta, progress);
      const { records, completed, failed } = await withInterrupt((signal) =>
        runSweep({
          points,
          outDir: opts.out,
          progress,
          signal,
          base,
          software: meta.software,
          warn,
          runPoint: (cfg, sig) => runSweepPoint(cfg, meta, sig),
        }),
      );
      writeSweepSummary(opts.out, records);
      process.stdout.write(
        `${records.length} of ${points.length} point(s) recorded in ${join(opts.out, 'results.jsonl')}${failed.length > 0 ? `; ${failed.length} failed (${join(opts.out, 'failed.jsonl')})` : ''}\n`,
      );
      if (!completed) throw new Interrupted();
      if (failed.length > 0)
        throw new Error(
          `${failed.length} of ${points.length} point(s) failed; the others were recorded; rerun the command to retry them:\n${failed
            .map((f) => `  ${JSON.stringify(f.point)}: ${f.error}`)
            .join('\n')}`,
        );
    });

  program
    .command('worker')
    .description(
      'run the points of sweeps started with `mtrl-bench sweep --queue` on this machine, until stopped (Ctrl-C or SIGTERM lets the points in progress finish)',
    )
    .requiredOption('--queue <url>', 'Redis at redis://HOST:PORT[/DB]', redisUrlArg)
    .option(
      '--queue-name <name>',
      'serve only this queue (default: every sweep on this Redis, oldest first)',
      queueNameArg,
    )
    .option(
      '--concurrency <n>',
      'points run at once, each in its own worker thread',
      int('--concurrency'),
      availableParallelism(),
    )
    .option(
      '--lock-duration <ms>',
      'a job whose worker stops renewing its lock for this long is given to another worker',
      int('--lock-duration'),
      30_000,
    )
    .option(
      '--stalled-interval <ms>',
      'how often to look for jobs of dead workers',
      int('--stalled-interval'),
      30_000,
    )
    .option(
      '--exit-after-idle <seconds>',
      'exit once there has been nothing to run for this long (for batch jobs such as a Kubernetes Job)',
      int('--exit-after-idle'),
    )
    .option('--quiet', 'no log lines')
    .addOption(maxMemoryOption())
    .addOption(maxWorkOption())
    .action(async (opts: WorkerCliOptions) => {
      // The job threads validate every job as the CLI does, against these limits.
      if (opts.maxMemory !== undefined) process.env.MTRL_MAX_MEMORY_GIB = String(opts.maxMemory);
      if (opts.maxWork !== undefined) process.env.MTRL_MAX_WORK_TFLOP = String(opts.maxWork);
      const { runMeta } = await import('./meta.js');
      const { runWorker } = await import('./queue/worker.js');
      const { processName } = await import('./queue/sweepRegistry.js');
      const log = opts.quiet
        ? () => {}
        : (line: string) =>
            process.stderr.write(
              `${new Date().toISOString().slice(11, 19)} worker ${processName}: ${line}\n`,
            );
      const outcome = await withInterrupt((signal) =>
        runWorker({
          url: opts.queue,
          queueName: opts.queueName,
          concurrency: opts.concurrency,
          lockDurationMs: opts.lockDuration,
          stalledIntervalMs: opts.stalledInterval,
          exitAfterIdleMs: opts.exitAfterIdle === undefined ? undefined : opts.exitAfterIdle * 1000,
          meta: runMeta(),
          log,
          signal,
        }),
      );
      process.stdout.write(
        `worker ${processName}: ${outcome.completed} point(s) finished, ${outcome.failed} failed run(s)\n`,
      );
    });

  return program;
}

/** What a sweep folder holds: results, failures, the summary, its identity and records set aside. */
const SWEEP_FILES = [
  'results.jsonl',
  'failed.jsonl',
  'summary.csv',
  'sweep.json',
  'results.quarantine.jsonl',
];

interface SweepCliOptions extends BudgetCliOptions {
  grid: string[];
  out: string;
  quiet?: boolean;
  queue?: string;
  queueName?: string;
  wait: boolean;
  clearQueue?: boolean;
  stalledInterval?: number;
}

interface WorkerCliOptions extends BudgetCliOptions {
  queue: string;
  queueName?: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  exitAfterIdle?: number;
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

const redisUrlArg = (v: string) => {
  try {
    return parseRedisUrl(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const queueNameArg = (v: string) => {
  try {
    return checkQueueName(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** `mtrl-bench sweep --queue`: enqueue, wait for the workers, write what a local sweep writes. */
async function sweepOnQueue(
  url: string,
  points: SweepPoint[],
  base: unknown,
  opts: SweepCliOptions,
  meta: RunMeta,
  progress: Progress,
): Promise<void> {
  const { runQueuedSweep } = await import('./queue/coordinator.js');
  const res = await withInterrupt((signal) =>
    runQueuedSweep({
      url,
      queueName: opts.queueName,
      points,
      base,
      outDir: opts.out,
      meta,
      progress,
      signal,
      warn,
      wait: opts.wait,
      clearQueue: opts.clearQueue,
      stalledIntervalMs: opts.stalledInterval,
    }),
  );
  const shown = redactUrl(url);
  if (!opts.wait) {
    process.stdout.write(
      `queue ${res.queueName} at ${shown}: ${res.enqueued} point(s) enqueued, ${res.alreadyQueued} already queued, ${res.records.length} already recorded.\nStart workers with: mtrl-bench worker --queue ${shown}\nCollect the results by running this command again without --no-wait.\n`,
    );
    return;
  }
  writeSweepSummary(opts.out, res.records);
  process.stdout.write(
    `${res.records.length} point(s) recorded in ${join(opts.out, 'results.jsonl')} (queue ${res.queueName}: ${res.enqueued} enqueued by this run, ${res.recovered} recovered after a worker stopped)\n`,
  );
  if (res.failed.length > 0) {
    // As a local sweep does: the failures beside the results, each with its error.
    const at = new Date().toISOString();
    appendFileSync(
      join(opts.out, 'failed.jsonl'),
      res.failed
        .map((f) => `${JSON.stringify({ id: f.id, point: f.point, error: f.reason, at })}\n`)
        .join(''),
    );
    throw new Error(
      `${res.failed.length} point(s) failed; rerun the command to retry them:\n${res.failed
        .map((f) => `  ${JSON.stringify(f.point)}: ${f.reason}`)
        .join('\n')}`,
    );
  }
  if (!res.completed) throw new Interrupted();
}

/** Thrown after an interrupted command has written what it finished. */
class Interrupted extends Error {
  constructor(what = 'finished results were written') {
    super(`interrupted: ${what}`);
  }
}

/**
 * Runs `fn` with an AbortSignal that the first Ctrl-C (SIGINT) or SIGTERM aborts, so the command
 * finishes the work in progress, writes what is done and exits; a second Ctrl-C exits at once.
 */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onSignal = () => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(
      '\nmtrl-bench: stopping after the work in progress (Ctrl-C again to quit now)\n',
    );
    ctl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(ctl.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs the CLI on `argv`; returns the exit code (config errors give 2, interruptions 130). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildCli();
  // Errors of a subcommand's options end in this function too (not in process.exit), so the
  // exit code reaches the caller (bin.ts, or a test running the CLI in-process).
  for (const c of [program, ...program.commands]) c.exitOverride();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { benchVersions } = await import('./meta.js');
    const v = benchVersions();
    process.stdout.write(
      `mtrl-bench ${v.bench}\n${Object.entries(v.packages)
        .map(([name, version]) => `${name} ${version}\n`)
        .join('')}`,
    );
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    )
      return 0;
    if (e instanceof CommanderError || err.code?.startsWith('commander.')) return err.exitCode ?? 2;
    if (e instanceof Interrupted) {
      process.stderr.write(`mtrl-bench: ${e.message}\n`);
      return 130;
    }
    if (e instanceof ConfigError || e instanceof UsageError) {
      process.stderr.write(`mtrl-bench: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`mtrl-bench: ${err.message}\n`);
    return 1;
  }
}
