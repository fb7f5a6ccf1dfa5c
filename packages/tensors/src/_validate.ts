// Argument checks shared by the public operations. Every message names the operation and the
// argument, so a user can find the bad call from the message alone.

/** Refuses sizes that are not finite, non-negative integers. */
export function checkSize(op: string, name: string, value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    !Number.isInteger(value) ||
    value < 0
  ) {
    throw new RangeError(
      `${op}: ${name} must be a non-negative integer, got ${typeof value === 'number' ? String(value) : typeof value}`,
    );
  }
  return value;
}

/** Refuses numbers that are NaN or infinite. */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${op}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** Formats a shape as `[a, b]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws the standard shape-mismatch error. */
export function shapeError(op: string, detail: string): never {
  throw new RangeError(`${op}: shape mismatch: ${detail}`);
}
