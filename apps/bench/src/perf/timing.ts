import { measureClockGHz } from '../clock.js';

/** One timed measurement: the median and every repeat, in the unit given. */
export interface Timing {
  readonly median: number;
  readonly samples: readonly number[];
}

/** The median of a list (upper median for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The median and samples of a list of measurements. */
export const timing = (samples: number[]): Timing => ({ median: median(samples), samples });

/** Seconds of `repeats` calls of `fn`, after one warm-up call. */
export function timeRepeats(repeats: number, fn: () => void): number[] {
  fn(); // warm-up: JIT and buffer allocation
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

/** Runs fn between two clock probes of `probes` samples; its result and their mean GHz. */
export async function clocked<T>(
  probes: number,
  fn: () => T | Promise<T>,
): Promise<{ value: T; clockGHz: number }> {
  const before = measureClockGHz(probes);
  const value = await fn();
  return { value, clockGHz: (before + measureClockGHz(probes)) / 2 };
}
