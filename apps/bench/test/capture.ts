import { vi } from 'vitest';

/**
 * Captures what the CLI writes to stdout and stderr while a test runs in-process; undo with
 * `vi.restoreAllMocks()` (every test file using it does so in `afterEach`).
 */
export function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  return { out: () => out, err: () => err };
}
