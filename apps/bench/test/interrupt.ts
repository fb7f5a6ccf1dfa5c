import { vi } from 'vitest';
import { main } from '../src/cli.js';

/**
 * Runs the CLI and presses Ctrl-C once `when()` holds after its handler is installed (calling
 * the handler itself: a real SIGINT would reach the test runner too).
 */
export async function interrupted(args: string[], when: () => boolean = () => true) {
  const before = new Set(process.listeners('SIGINT'));
  const run = main(args);
  let handler: (() => void) | undefined;
  await vi.waitFor(
    () => {
      handler ??= process.listeners('SIGINT').find((l) => !before.has(l)) as () => void;
      if (handler === undefined || !when()) throw new Error('not yet');
    },
    { timeout: 60_000, interval: 5 },
  );
  handler?.();
  return run;
}
