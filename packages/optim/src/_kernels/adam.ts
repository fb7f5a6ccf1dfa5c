import type { FloatArray } from '@mtrl/tensors';

/**
 * One Adam step over `n` elements, writing the new moments and the update:
 *
 *     mu[i] = b1 * muPrev[i] + (1 - b1) * g[i]
 *     nu[i] = b2 * nuPrev[i] + (1 - b2) * g[i]^2
 *     u[i]  = (mu[i] / c1) / (sqrt(nu[i] / c2) + eps)
 *
 * with the bias corrections `c1 = 1 - b1^t`, `c2 = 1 - b2^t` computed by the caller. `mu`,
 * `nu` and `u` are written from index 0; the inputs are read from their offsets.
 * @internal
 */
export function adamKernel(
  n: number,
  u: FloatArray,
  mu: FloatArray,
  nu: FloatArray,
  g: FloatArray,
  offsetG: number,
  muPrev: FloatArray,
  offsetMu: number,
  nuPrev: FloatArray,
  offsetNu: number,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  eps: number,
): void {
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    const gi = g[offsetG + i];
    // The update reads the moments as stored (in the state's dtype), as optax does.
    mu[i] = b1 * muPrev[offsetMu + i] + a1 * gi;
    nu[i] = b2 * nuPrev[offsetNu + i] + a2 * gi * gi;
    u[i] = mu[i] / c1 / (Math.sqrt(nu[i] / c2) + eps);
  }
}
