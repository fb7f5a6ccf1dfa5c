import type { FloatArray } from '@mtrl/tensors';

/**
 * `out[i] = alpha * x[offsetX + i]` for `i < n`. No validation, no allocation.
 * @internal
 */
export function scaleKernel(
  n: number,
  out: FloatArray,
  alpha: number,
  x: FloatArray,
  offsetX: number,
): void {
  for (let i = 0; i < n; i++) out[i] = alpha * x[offsetX + i];
}
