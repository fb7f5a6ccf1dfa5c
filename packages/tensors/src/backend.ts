import { gemmBlocked } from './_kernels/gemmBlocked.js';
import { maskedGemmKernel } from './_kernels/maskedGemm.js';
import { fillNormalKernel } from './_kernels/normal.js';
import type { KernelBackend } from './_kernels/types.js';

/** The plain TypeScript backend: the reference every other backend is tested against. */
const jsBackend: KernelBackend = {
  name: 'js',
  gemm: gemmBlocked,
  fillNormal: fillNormalKernel,
  maskedGemm: (...args) => maskedGemmKernel(gemmBlocked, ...args),
};

const backends = new Map<string, KernelBackend>([['js', jsBackend]]);
let active: KernelBackend = jsBackend;

/** The backend in use by every tensor operation. @internal */
export function kernels(): KernelBackend {
  return active;
}

/** Names of the registered compute backends (`'js'` is always present). */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The name of the active compute backend. */
export function getBackend(): string {
  return active.name;
}

/**
 * Selects the compute backend by name for all later operations.
 *
 * @throws {RangeError} for a name that is not registered
 * @example
 * setBackend('js');
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined)
    throw new RangeError(
      `setBackend: unknown backend ${JSON.stringify(name)}; registered: ${listBackends().join(', ')}`,
    );
  active = b;
}
