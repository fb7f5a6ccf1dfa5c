import type { FloatArray } from '@mtrl/tensors';

/**
 * `out[i] = x[offsetX + i] + beta * y[offsetY + i]` for `i < n`. No validation, no allocation.
 * @internal
 */
export function addScaledKernel(
  n: number,
  out: FloatArray,
  x: FloatArray,
  offsetX: number,
  beta: number,
  y: FloatArray,
  offsetY: number,
): void {
  for (let i = 0; i < n; i++) out[i] = x[offsetX + i] + beta * y[offsetY + i];
}
