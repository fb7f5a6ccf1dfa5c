import cliProgress from 'cli-progress';

/** A progress display for long commands: a bar with ETA on a terminal, log lines otherwise. */
export interface Progress {
  /**
   * Starts (or restarts) a phase of `total` units. With `work`, the units' estimated total work
   * (any scale), the ETA follows the work done instead of the unit count: right from the start
   * when the units differ in size and the longest run first.
   */
  start(label: string, total: number, work?: number): void;
  /** Advances by `n` units (default 1) that did `work` of the phase's work, with a status text. */
  tick(n?: number, status?: string, work?: number): void;
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
  const eta = new Eta();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {etaText} | {status}',
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      start(label, total, work) {
        if (running) bar.stop();
        eta.start(total, work);
        bar.start(total, 0, { label, status: '', etaText: '?' });
        running = true;
      },
      tick(n = 1, status = '', work) {
        eta.tick(n, work);
        bar.increment(n, { status, etaText: formatSeconds(eta.seconds()) });
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
  let last = 0;
  return {
    start(l, t, work) {
      label = l;
      eta.start(t, work);
      last = 0;
      process.stderr.write(`${label}: 0/${t}\n`);
    },
    tick(n = 1, status = '', work) {
      eta.tick(n, work);
      const now = Date.now();
      const { done, total } = eta;
      if (now - last > 5000 || done === total) {
        last = now;
        process.stderr.write(
          `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ETA ${formatSeconds(eta.seconds())} ${status}\n`,
        );
      }
    },
    log(line) {
      process.stderr.write(`${line}\n`);
    },
    stop() {},
  };
}

/**
 * The time left in a phase, from the elapsed time and the fraction done: the fraction of the
 * estimated work when the phase has one, else of the units. @internal
 */
export class Eta {
  done = 0;
  total = 0;
  private work = 0;
  private workDone = 0;
  private t0 = 0;

  constructor(private readonly now: () => number = Date.now) {}

  start(total: number, work = 0): void {
    this.total = total;
    this.done = 0;
    this.work = work;
    this.workDone = 0;
    this.t0 = this.now();
  }

  tick(n: number, work = 0): void {
    this.done += n;
    this.workDone += work;
  }

  /** Seconds left; NaN before anything is done. */
  seconds(): number {
    const f =
      this.work > 0 && this.workDone > 0 ? this.workDone / this.work : this.done / this.total;
    return f > 0 ? ((this.now() - this.t0) / 1000) * (1 / f - 1) : Number.NaN;
  }
}

/** Seconds as `1m05s` / `12.3s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}
