import { withEpilogue } from './_kernels/epilogue.js';
import { gemmBlocked } from './_kernels/gemmBlocked.js';
import { gemmReference } from './_kernels/gemmReference.js';
import { maskedGemmKernel } from './_kernels/maskedGemm.js';
import { fillNormalKernel } from './_kernels/normal.js';
import type { KernelBackend } from './_kernels/types.js';
import { getArena, loadArena, simdSupported } from './_kernels/wasm/arena.js';
import { gemmWasm } from './_kernels/wasm/gemmWasm.js';
import { maskedGemmWasm } from './_kernels/wasm/maskedGemmWasm.js';
import { fillNormalWasm, getSampler, loadSampler } from './_kernels/wasm/normalWasm.js';
import { key } from './random/key.js';

/** The plain TypeScript backend: the reference every other backend is tested against. */
const jsBackend: KernelBackend = {
  name: 'js',
  gemm: withEpilogue(gemmBlocked),
  fillNormal: fillNormalKernel,
  maskedGemm: (...args) => maskedGemmKernel(gemmBlocked, ...args),
};

/**
 * WebAssembly SIMD kernels for GEMM and the masked product (scripts/wasm/kernels.ts) and the
 * bulk normal sampler (scripts/wasm/sampler.ts), which draws exactly the numbers of the
 * TypeScript kernel.
 */
const wasmBackend: KernelBackend = {
  name: 'wasm',
  gemm: gemmWasm,
  fillNormal: fillNormalWasm,
  maskedGemm: maskedGemmWasm,
};

const backends = new Map<string, KernelBackend>([
  ['js', jsBackend],
  ['wasm', wasmBackend],
]);
let active: KernelBackend = jsBackend;
let warned = false;

/** The backend in use by every tensor operation. @internal */
export function kernels(): KernelBackend {
  return active;
}

/**
 * Names of the compute backends available here: `'js'` always, `'wasm'` where WebAssembly
 * SIMD is supported.
 */
export function listBackends(): string[] {
  return [...backends.keys()].filter((name) => name !== 'wasm' || simdSupported());
}

/** The name of the active compute backend. */
export function getBackend(): string {
  return active.name;
}

/** What the active backend runs, for run records (see {@link describeBackend}). */
export interface BackendDescription {
  /** `'js'` or `'wasm'`. */
  readonly name: string;
  /**
   * The GEMM micro kernel: `'typescript'`, `'simd128'` (WebAssembly SIMD multiply then add) or
   * `'relaxed-madd'` (relaxed-SIMD fused multiply-add, where the engine has it). Float results
   * differ between these in the last bits.
   */
  readonly gemmKernel: 'typescript' | 'simd128' | 'relaxed-madd';
}

/**
 * The active backend and its GEMM kernel variant, so a run can record exactly which arithmetic
 * produced its numbers (compiles the WebAssembly kernels if they are not yet).
 * @example
 * setBackend('auto');
 * describeBackend(); // returns { name: 'wasm', gemmKernel: 'relaxed-madd' } on Node 22
 */
export function describeBackend(): BackendDescription {
  if (active !== wasmBackend) return { name: active.name, gemmKernel: 'typescript' };
  return { name: active.name, gemmKernel: getArena().fma ? 'relaxed-madd' : 'simd128' };
}

// Compiles the kernels and checks them on a small product in both dtypes against the
// reference; any failure (no SIMD, compilation refused, wrong results) returns the reason.
function wasmProblem(): string | undefined {
  if (!simdSupported()) return 'WebAssembly SIMD is not supported here';
  try {
    getArena();
    for (const f32 of [true, false]) {
      const [m, n, k] = [5, 9, 7];
      const make = (len: number) => (f32 ? new Float32Array(len) : new Float64Array(len));
      const a = make(m * k).map((_, i) => ((i * 7) % 11) - 5);
      const b = make(k * n).map((_, i) => ((i * 5) % 13) - 6);
      const want = make(m * n);
      const got = make(m * n).fill(Number.NaN);
      gemmReference(m, n, k, 1, a, k, 1, 0, b, 1, k, 0, 0, want, n, 1, 0);
      gemmWasm(m, n, k, 1, a, k, 1, 0, b, 1, k, 0, 0, got, n, 1, 0);
      // Small integers: every partial sum is exact, so the results must be equal.
      for (let i = 0; i < m * n; i++)
        if (got[i] !== want[i]) return 'the WebAssembly kernels failed a self-test';
      // The sampler must draw the reference's numbers (401 draws include slow paths).
      getSampler();
      const wantN = make(401);
      const gotN = make(401);
      fillNormalKernel(key(7), 1, 401, wantN, 0, 1, 0);
      fillNormalWasm(key(7), 1, 401, gotN, 0, 1, 0);
      for (let i = 0; i < 401; i++)
        if (gotN[i] !== wantN[i]) return 'the WebAssembly sampler failed a self-test';
    }
  } catch (e) {
    return `the WebAssembly kernels did not load (${e instanceof Error ? e.message : String(e)})`;
  }
  return undefined;
}

function selectAuto(): void {
  const problem = wasmProblem();
  if (problem === undefined) {
    active = wasmBackend;
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`@mtrl/tensors: ${problem}; using the 'js' backend`);
  }
  active = jsBackend;
}

/**
 * Selects the compute backend for all later operations: `'js'` (plain TypeScript, the
 * default), `'wasm'` (WebAssembly SIMD) or `'auto'`, which picks `'wasm'` when it loads and
 * passes a self-test and otherwise `'js'` with a one-time `console.warn`.
 *
 * In a browser's main thread, where synchronous compilation of the kernels is refused, use
 * {@link setBackendAsync}.
 *
 * @throws {RangeError} for an unknown name
 * @throws {Error} for `'wasm'` where WebAssembly SIMD is missing or the kernels do not load
 * @example
 * setBackend('auto');
 * getBackend(); // returns 'wasm' on Node 20
 */
export function setBackend(name: string): void {
  if (name === 'auto') {
    selectAuto();
    return;
  }
  const b = backends.get(name);
  if (b === undefined)
    throw new RangeError(
      `setBackend: unknown backend ${JSON.stringify(name)}; use 'auto' or one of: ${[...backends.keys()].join(', ')}`,
    );
  if (b === wasmBackend) {
    if (!simdSupported())
      throw new Error("setBackend: 'wasm' needs WebAssembly SIMD, which this engine lacks");
    getArena();
    getSampler();
  }
  active = b;
}

/**
 * {@link setBackend} with the WebAssembly kernels compiled asynchronously first, as a
 * browser's main thread requires. Resolves to the name of the backend now active.
 *
 * @example
 * await setBackendAsync('auto'); // returns 'wasm' or, with a notice, 'js'
 */
export async function setBackendAsync(name: string): Promise<string> {
  if ((name === 'wasm' || name === 'auto') && simdSupported()) {
    try {
      await loadArena();
      await loadSampler();
    } catch (e) {
      if (name === 'wasm') throw e;
    }
  }
  setBackend(name);
  return getBackend();
}
