/**
 * A command refused before it ran anything, for a reason in its arguments or their targets (a
 * bad --grid or --out, a size beyond the memory or work limit): the CLI prints the message and
 * exits with code 2, as for an invalid config.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
