import { getBackend, setBackend } from '@mtrl/tensors';
import { Command, CommanderError, Option } from 'commander';
import { Interrupted } from './commands/common.js';
import { perfCommand } from './commands/perf.js';
import { reproduceCommand } from './commands/reproduce.js';
import { runCommand } from './commands/run.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';
import { ConfigError } from './config.js';
import { UsageError } from './usageError.js';

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
        'compute backend of @mtrl/tensors: wasm (WebAssembly SIMD), js (the TypeScript reference), or auto (wasm where available); recorded in every result; perf times only this backend when it is given (otherwise every backend)',
      )
        .choices(['auto', 'wasm', 'js'])
        .default('auto'),
    )
    .hook('preAction', (cmd) => {
      setBackend(cmd.opts<{ backend: string }>().backend);
      // Worker threads (queued sweeps) read the resolved name from the environment.
      process.env.MTRL_BACKEND = getBackend();
    });
  // Each command brings its own flags, help and action; they share the program's output settings.
  for (const command of [
    perfCommand(),
    reproduceCommand(),
    runCommand(),
    sweepCommand(),
    workerCommand(),
  ])
    program.addCommand(command.copyInheritedSettings(program));
  return program;
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
