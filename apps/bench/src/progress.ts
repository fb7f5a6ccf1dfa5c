import cliProgress from 'cli-progress';

/** A progress display for long commands: a bar with ETA on a terminal, log lines otherwise. */
export interface Progress {
  /** Starts (or restarts) a phase of `total` units. */
  start(label: string, total: number): void;
  /** Advances by `n` units (default 1), with an optional status text. */
  tick(n?: number, status?: string): void;
  /** Prints a line above the bar. */
  log(line: string): void;
  stop(): void;
}

/** A silent progress, for `--quiet` and tests. */
export const silentProgress: Progress = { start() {}, tick() {}, log() {}, stop() {} };

/**
 * The progress display for a command: cli-progress on an interactive stderr, plain lines with
 * the fraction done and an ETA every few seconds otherwise (CI logs), nothing with `quiet`.
 */
export function createProgress(quiet: boolean): Progress {
  if (quiet) return silentProgress;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      start(label, total) {
        if (running) bar.stop();
        bar.start(total, 0, { label, status: '' });
        running = true;
      },
      tick(n = 1, status = '') {
        bar.increment(n, { status });
      },
      log(line) {
        if (running) bar.stop();
        process.stderr.write(`${line}\n`);
        running = false;
      },
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  let label = '';
  let total = 0;
  let done = 0;
  let t0 = Date.now();
  let last = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      done = 0;
      t0 = Date.now();
      last = 0;
      process.stderr.write(`${label}: 0/${total}\n`);
    },
    tick(n = 1, status = '') {
      done += n;
      const now = Date.now();
      if (now - last > 5000 || done === total) {
        last = now;
        const eta = done > 0 ? ((now - t0) / done) * (total - done) : Number.NaN;
        process.stderr.write(
          `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ETA ${formatSeconds(eta / 1000)} ${status}\n`,
        );
      }
    },
    log(line) {
      process.stderr.write(`${line}\n`);
    },
    stop() {},
  };
}

/** Seconds as `1m05s` / `12.3s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}
