import { gemmBlocked } from './_kernels/gemmBlocked.js';
import { gemmReference } from './_kernels/gemmReference.js';
import { maskedGemmKernel } from './_kernels/maskedGemm.js';
import { fillNormalKernel } from './_kernels/normal.js';
import { getArena, loadArena, simdSupported } from './_kernels/wasm/arena.js';
import { gemmUpperWasm } from './_kernels/wasm/gemmUpperWasm.js';
import { gemmWasm } from './_kernels/wasm/gemmWasm.js';
import { maskedGemmWasm } from './_kernels/wasm/maskedGemmWasm.js';
import { fillNormalWasm, getSampler, loadSampler } from './_kernels/wasm/normalWasm.js';
import { syrkWasm } from './_kernels/wasm/syrkWasm.js';
import { withEpilogue } from './epilogue.js';
import type {
  FillNormalKernel,
  GemmKernel,
  KernelBackend,
  MaskedGemmKernel,
} from './kernelTypes.js';
import { key } from './random/key.js';
import { checkBoolean, checkFunction, checkObject, checkString } from './validate.js';

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
  syrk: (n, k, alpha, a, sa0, sa1, oa, beta, c, sc0, sc1, oc) => {
    if (!syrkWasm(n, k, alpha, a, sa0, sa1, oa, beta, c, sc0, sc1, oc))
      gemmWasm(n, n, k, alpha, a, sa0, sa1, oa, a, sa1, sa0, oa, beta, c, sc0, sc1, oc);
  },
  gemmUpper: gemmUpperWasm,
};

/** The kernels a backend provides: what {@link registerBackend} takes. */
export interface BackendKernels {
  /** Strided GEMM with the optional epilogue (bias row, elementwise map). */
  readonly gemm: GemmKernel;
  /** The bulk normal sampler; must draw exactly the numbers of the `js` backend. */
  readonly fillNormal: FillNormalKernel;
  /** The row-masked first-layer product. */
  readonly maskedGemm: MaskedGemmKernel;
}

/**
 * Kernels, or a function that makes them (called once, on first use; it may return a promise,
 * in which case select the backend with {@link setBackendAsync} first).
 */
export type BackendLoader = () => BackendKernels | Promise<BackendKernels>;

interface Entry {
  readonly builtin: boolean;
  backend?: KernelBackend;
  loader?: BackendLoader;
  /** An asynchronous loader's result, while it is awaited. */
  pending?: Promise<void>;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

// Records the kernels an asynchronous loader resolves to; a failure clears the attempt, so the
// next use calls the loader again.
function startLoading(entry: Entry, name: string, made: PromiseLike<BackendKernels>): void {
  const pending = Promise.resolve(made).then(
    (k) => {
      entry.backend = checkKernels('registerBackend', name, k);
      entry.pending = undefined;
    },
    (e: unknown) => {
      entry.pending = undefined;
      throw e;
    },
  );
  entry.pending = pending;
  // Whoever awaits `pending` sees a failure; nobody awaiting it is no unhandled rejection.
  pending.catch(() => {});
}

const backends = new Map<string, Entry>([
  ['js', { builtin: true, backend: jsBackend }],
  ['wasm', { builtin: true, backend: wasmBackend }],
]);
let active: KernelBackend = jsBackend;
let warned = false;

/**
 * The backend in use by every tensor operation, or the one named by an operation's `backend`
 * option (`op` names the operation in errors). @internal
 */
export function kernels(name?: string, op = 'backend'): KernelBackend {
  if (name === undefined) return active;
  return name === 'auto' ? autoBackend() : resolve(op, name);
}

const KERNEL_NAMES = ['gemm', 'fillNormal', 'maskedGemm'] as const;

function checkKernels(op: string, name: string, value: unknown): KernelBackend {
  const k = checkObject<Record<string, unknown>>(op, 'kernels', value);
  for (const f of KERNEL_NAMES) checkFunction(op, `kernels.${f}`, k[f]);
  const { gemm, fillNormal, maskedGemm } = k as unknown as BackendKernels;
  return { name, gemm, fillNormal, maskedGemm };
}

function knownNames(): string {
  return [...backends.keys()].join(', ');
}

// The backend registered under `name`, loaded (synchronously) if it has not been yet.
function resolve(op: string, value: unknown): KernelBackend {
  const name = checkString(op, 'name', value);
  const entry = backends.get(name);
  if (entry === undefined) {
    throw new RangeError(
      `${op}: unknown backend ${JSON.stringify(name)}; use ${op === 'setBackend' ? "'auto' or " : ''}one of: ${knownNames()}`,
    );
  }
  if (entry.backend === wasmBackend) {
    if (!simdSupported())
      throw new Error(`${op}: 'wasm' needs WebAssembly SIMD, which this engine lacks`);
    getArena();
    getSampler();
  }
  if (entry.backend === undefined) {
    if (entry.pending === undefined) {
      const made = (entry.loader as BackendLoader)();
      if (!isPromiseLike(made)) {
        entry.backend = checkKernels('registerBackend', name, made);
        return entry.backend;
      }
      startLoading(entry, name, made as PromiseLike<BackendKernels>);
    }
    throw new Error(
      `${op}: backend ${JSON.stringify(name)} loads asynchronously; await setBackendAsync(${JSON.stringify(name)}) or loadBackend(${JSON.stringify(name)}) first`,
    );
  }
  return entry.backend;
}

/**
 * Adds a compute backend under `name`, for {@link setBackend}, {@link withBackend} and the
 * `backend` option of the GEMM operations. `kernels` is an object with `gemm`, `fillNormal`
 * and `maskedGemm` kernel functions (see {@link KernelBackend}; {@link backendKernels} gives
 * the built-in ones to wrap), or a loader that returns such an object (or a promise of one),
 * called on first use. A kernel receives plain typed arrays, strides and offsets; it must
 * honour the epilogue and mask factor it is passed.
 *
 * @throws {TypeError} when `name` is not a string, `kernels` is neither an object nor a
 *   function, or one of its kernels is not a function
 * @throws {RangeError} when `name` is empty, `'auto'`, or already registered (a built-in
 *   backend can never be replaced; a registered one only with `{ replace: true }`)
 * @example
 * const js = backendKernels('js');
 * let calls = 0;
 * registerBackend('counting', { ...js, gemm: (...args) => { calls++; js.gemm(...args); } });
 * withBackend('counting', () => matmul(a, b)); // calls === 1
 */
export function registerBackend(
  name: string,
  kernels: BackendKernels | BackendLoader,
  options: { replace?: boolean } = {},
): void {
  checkString('registerBackend', 'name', name);
  if (name === '' || name === 'auto') {
    throw new RangeError(
      `registerBackend: name must be a non-empty string other than 'auto', got ${JSON.stringify(name)}`,
    );
  }
  const replace =
    checkBoolean('registerBackend', 'options.replace', options.replace ?? false) === true;
  const old = backends.get(name);
  if (old !== undefined && (old.builtin || !replace)) {
    throw new RangeError(
      `registerBackend: a backend named ${JSON.stringify(name)} is already registered${old.builtin ? ' (built in)' : '; pass { replace: true } to replace it'}`,
    );
  }
  if (typeof kernels === 'function') {
    backends.set(name, { builtin: false, loader: kernels });
  } else {
    backends.set(name, { builtin: false, backend: checkKernels('registerBackend', name, kernels) });
  }
  if (old?.backend !== undefined && active === old.backend) active = jsBackend;
}

/**
 * Removes a backend added with {@link registerBackend}; if it was active, `'js'` becomes
 * active. Returns whether it was registered.
 *
 * @throws {RangeError} for a built-in backend
 */
export function unregisterBackend(name: string): boolean {
  checkString('unregisterBackend', 'name', name);
  const entry = backends.get(name);
  if (entry === undefined) return false;
  if (entry.builtin) throw new RangeError(`unregisterBackend: ${JSON.stringify(name)} is built in`);
  backends.delete(name);
  if (entry.backend !== undefined && active === entry.backend) active = jsBackend;
  return true;
}

/**
 * The kernels of a backend, loading them if needed, e.g. to wrap the built-in ones in a
 * backend of one's own.
 *
 * @throws {RangeError} for an unknown name
 * @example
 * const { gemm } = backendKernels('js');
 */
export function backendKernels(name: string): KernelBackend {
  return resolve('backendKernels', name);
}

/**
 * Loads a registered backend whose loader is asynchronous (and the WebAssembly kernels for
 * `'wasm'`), so that {@link setBackend} and {@link withBackend} can use it synchronously.
 */
export async function loadBackend(name: string): Promise<void> {
  checkString('loadBackend', 'name', name);
  const entry = backends.get(name);
  if (entry === undefined) {
    throw new RangeError(
      `loadBackend: unknown backend ${JSON.stringify(name)}; use one of: ${knownNames()}`,
    );
  }
  if (entry.backend === wasmBackend) {
    await loadArena();
    await loadSampler();
    return;
  }
  if (entry.backend === undefined) {
    if (entry.pending === undefined) {
      const made = (entry.loader as BackendLoader)();
      if (!isPromiseLike(made)) {
        entry.backend = checkKernels('registerBackend', name, made);
        return;
      }
      startLoading(entry, name, made as PromiseLike<BackendKernels>);
    }
    await entry.pending;
  }
}

/**
 * Runs `fn` with the backend `name` active and restores the previous backend afterwards, also
 * when `fn` throws. `fn` must be synchronous: the backend is restored when it returns, so the
 * later steps of an async function would run on the previous backend.
 *
 * @throws {RangeError} for an unknown name (`fn` does not run)
 * @throws {TypeError} when `fn` is not a function
 * @example
 * const c = withBackend('wasm', () => matmul(a, b));
 */
export function withBackend<T>(name: string, fn: () => T): T {
  checkFunction('withBackend', 'fn', fn);
  const b = name === 'auto' ? autoBackend() : resolve('withBackend', name);
  const previous = active;
  active = b;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * Names of the compute backends available here: `'js'` always, `'wasm'` where WebAssembly
 * SIMD is supported, then every backend added with {@link registerBackend}.
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
  /** `'js'`, `'wasm'` or the name of a registered backend. */
  readonly name: string;
  /**
   * The GEMM micro kernel: `'typescript'`, `'simd128'` (WebAssembly SIMD multiply then add),
   * `'relaxed-madd'` (relaxed-SIMD fused multiply-add, where the engine has it) or `'custom'`
   * (a backend added with {@link registerBackend}). Float results differ between these in the
   * last bits.
   */
  readonly gemmKernel: 'typescript' | 'simd128' | 'relaxed-madd' | 'custom';
}

/**
 * The active backend and its GEMM kernel variant, so a run can record exactly which arithmetic
 * produced its numbers (compiles the WebAssembly kernels if they are not yet).
 * @example
 * setBackend('auto');
 * describeBackend(); // returns { name: 'wasm', gemmKernel: 'relaxed-madd' } on Node 22
 */
export function describeBackend(): BackendDescription {
  if (active === jsBackend) return { name: active.name, gemmKernel: 'typescript' };
  if (active !== wasmBackend) return { name: active.name, gemmKernel: 'custom' };
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

function autoBackend(): KernelBackend {
  const problem = wasmProblem();
  if (problem === undefined) return wasmBackend;
  if (!warned) {
    warned = true;
    console.warn(`@mtrl/tensors: ${problem}; using the 'js' backend`);
  }
  return jsBackend;
}

/**
 * Selects the compute backend for all later operations: `'js'` (plain TypeScript, the
 * default), `'wasm'` (WebAssembly SIMD) or `'auto'`, which picks `'wasm'` when it loads and
 * passes a self-test and otherwise `'js'` with a one-time `console.warn`.
 *
 * In a browser's main thread, where synchronous compilation of the kernels is refused, use
 * {@link setBackendAsync}.
 *
 * Backends added with {@link registerBackend} are selected by their name too; scope one to a
 * block of code with {@link withBackend} instead of changing it for everything.
 *
 * @throws {TypeError} when `name` is not a string
 * @throws {RangeError} for an unknown name
 * @throws {Error} for `'wasm'` where WebAssembly SIMD is missing or the kernels do not load
 * @example
 * setBackend('auto');
 * getBackend(); // returns 'wasm' on Node 20
 */
export function setBackend(name: string): void {
  active = name === 'auto' ? autoBackend() : resolve('setBackend', name);
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
  } else if (name !== 'auto' && name !== 'wasm' && backends.has(name)) {
    await loadBackend(name);
  }
  setBackend(name);
  return getBackend();
}
