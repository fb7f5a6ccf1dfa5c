import {
  KERNELS_BASE64,
  KERNELS_FMA_BASE64,
  RELAXED_PROBE_BASE64,
  SIMD_PROBE_BASE64,
} from './module.generated.js';

// The exports of the kernel module (scripts/wasm/kernels.ts). Pointers are byte offsets into
// the arena's memory, strides are in elements.
interface KernelExports {
  gemm_f32: GemmExport;
  gemm_f64: GemmExport;
  masked_f32: MaskedExport;
  masked_f64: MaskedExport;
  /** The masked product with factor 1 where z > 0 and `below` elsewhere (last argument). */
  masked_leaky_f32: MaskedLeakyExport;
  masked_leaky_f64: MaskedLeakyExport;
  epilogue_f32: EpilogueExport;
  epilogue_f64: EpilogueExport;
  /** The lower triangle of C = alpha A A^T + beta C (and the diagonal blocks' upper parts). */
  syrk_f32: SyrkExport;
  syrk_f64: SyrkExport;
  /** GEMM with an upper-triangular B and A unit-stride along K (`rows` mode). */
  gemm_upper_f32: GemmUpperExport;
  gemm_upper_f64: GemmUpperExport;
}

// (m, n, k, koff, alpha, pa, sa0, pb, sb0, sb1, beta, pc, sc0, sc1, wb): scripts/wasm/kernels.ts.
type GemmUpperExport = (
  m: number,
  n: number,
  k: number,
  koff: number,
  alpha: number,
  pa: number,
  sa0: number,
  pb: number,
  sb0: number,
  sb1: number,
  beta: number,
  pc: number,
  sc0: number,
  sc1: number,
  wb: number,
) => void;

// (n, k, alpha, pa, sa0, sa1, beta, pc, sc0, sc1, wa, wb): scripts/wasm/kernels.ts.
type SyrkExport = (
  n: number,
  k: number,
  alpha: number,
  pa: number,
  sa0: number,
  sa1: number,
  beta: number,
  pc: number,
  sc0: number,
  sc1: number,
  wa: number,
  wb: number,
) => void;

// (c, m, n, sc0, sc1, pb, hasBias, act, slope): scripts/wasm/epilogue.ts.
type EpilogueExport = (
  c: number,
  m: number,
  n: number,
  sc0: number,
  sc1: number,
  pb: number,
  hasBias: number,
  act: number,
  slope: number,
) => void;

type GemmExport = (
  m: number,
  n: number,
  k: number,
  alpha: number,
  pa: number,
  sa0: number,
  sa1: number,
  pb: number,
  sb0: number,
  sb1: number,
  beta: number,
  pc: number,
  sc0: number,
  sc1: number,
  wa: number,
  wb: number,
) => void;

type MaskedExport = (
  n: number,
  m: number,
  d: number,
  alpha: number,
  pz: number,
  sz0: number,
  sz1: number,
  pg: number,
  sg: number,
  pa: number,
  sa: number,
  px: number,
  sx0: number,
  sx1: number,
  beta: number,
  po: number,
  so0: number,
  so1: number,
  wa: number,
  wb: number,
) => void;

type MaskedLeakyExport = (...args: [...Parameters<MaskedExport>, below: number]) => void;

const PAGE = 65536;
// 2 GiB: kernels compare addresses as signed i32, so memory stays below 2^31 bytes.
const MAX_PAGES = 32768;
// 32 MiB at the start covers every workload shape (the largest, the float64 masked product at
// n = d = 1024, needs about 21 MiB) without growing. Growing detaches the old ArrayBuffer,
// which makes V8 guard every later typed-array access in the process (gemmBlocked.ts);
// untouched pages cost no physical memory.
const INITIAL_PAGES = 512;
// Bytes [0, 256) are the kernels' tile spill area.
const HEAP_START = 256;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Whether this engine has WebAssembly with 128-bit SIMD (validates a one-instruction module). */
export function simdSupported(): boolean {
  try {
    return (
      typeof WebAssembly === 'object' &&
      typeof WebAssembly.validate === 'function' &&
      WebAssembly.validate(decode(SIMD_PROBE_BASE64))
    );
  } catch {
    return false;
  }
}

/**
 * Whether this engine has relaxed SIMD (`relaxed_madd`): Node >= 22 and current browsers;
 * Node 20 only with `--experimental-wasm-relaxed-simd`.
 */
export function relaxedSimdSupported(): boolean {
  try {
    return simdSupported() && WebAssembly.validate(decode(RELAXED_PROBE_BASE64));
  } catch {
    return false;
  }
}

/**
 * The kernel module's bytes: with relaxed SIMD, the variant whose micro kernel uses
 * `relaxed_madd` (one fused multiply-add per product where the CPU has FMA, so float results
 * can differ in the last bits from the plain module's separate multiply and add; the choice
 * is fixed per engine, so runs on one engine stay reproducible).
 */
function kernelBytes(fma: boolean): Uint8Array<ArrayBuffer> {
  return decode(fma ? KERNELS_FMA_BASE64 : KERNELS_BASE64);
}

/**
 * The one kernel instance and its memory, reused by every call: a call lays out its operands
 * from `HEAP_START` with `alloc`, after `reset`, and `reserve` grows the memory only when a
 * call needs more than any before it.
 */
export class Arena {
  readonly kernels: KernelExports;
  /** Whether the micro kernel is the relaxed-SIMD multiply-add variant. */
  readonly fma: boolean;
  private readonly memory: WebAssembly.Memory;
  f32: Float32Array;
  f64: Float64Array;
  private top = HEAP_START;

  constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory, fma: boolean) {
    this.memory = memory;
    this.fma = fma;
    this.kernels = instance.exports as unknown as KernelExports;
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  /** Starts a new layout. */
  reset(): void {
    this.top = HEAP_START;
  }

  /** Byte offset of a fresh 64-byte aligned region of `bytes` bytes in the current layout. */
  alloc(bytes: number): number {
    const p = Math.ceil(this.top / 64) * 64;
    this.top = p + bytes;
    return p;
  }

  /**
   * Grows the memory to hold the current layout; false when it would pass 2 GiB (callers then
   * fall back to the TypeScript kernels).
   */
  reserve(): boolean {
    const have = this.memory.buffer.byteLength;
    if (this.top <= have) return true;
    const pages = Math.ceil(this.top / PAGE);
    if (pages > MAX_PAGES) return false;
    // A quarter of headroom, so a slowly growing sequence of shapes does not grow every call.
    const want = Math.min(MAX_PAGES, Math.max(pages, Math.ceil(pages * 1.25)));
    this.memory.grow(want - have / PAGE);
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    return true;
  }
}

let arena: Arena | undefined;
// undefined: relaxed-SIMD multiply-adds when the engine has them.
let fmaChoice: boolean | undefined;

function newMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES });
}

const wantFma = () => fmaChoice ?? relaxedSimdSupported();

/**
 * Drops the kernel instance, so the next call compiles one again: with `fma` true or false,
 * that micro kernel variant (true needs relaxed SIMD), undefined the engine's best. For tests
 * and benchmarks. @internal
 */
export function resetArena(fma?: boolean): void {
  if (fma === true && !relaxedSimdSupported())
    throw new Error('resetArena: fma needs WebAssembly relaxed SIMD, missing here');
  arena = undefined;
  fmaChoice = fma;
}

/**
 * The kernel arena, compiling the module synchronously on first use (fine in Node and in
 * workers; a browser's main thread refuses synchronous compilation of modules over 4 KiB, so
 * there call `loadArena` first).
 *
 * @throws when WebAssembly or its SIMD extension is missing, or compilation is refused
 */
export function getArena(): Arena {
  if (arena === undefined) {
    const memory = newMemory();
    const fma = wantFma();
    const module = new WebAssembly.Module(kernelBytes(fma));
    arena = new Arena(new WebAssembly.Instance(module, { env: { memory } }), memory, fma);
  }
  return arena;
}

/** Compiles and instantiates the module asynchronously, so `getArena` needs no compile. */
export async function loadArena(): Promise<Arena> {
  if (arena === undefined) {
    const memory = newMemory();
    const fma = wantFma();
    const { instance } = await WebAssembly.instantiate(kernelBytes(fma), { env: { memory } });
    arena ??= new Arena(instance, memory, fma);
  }
  return arena;
}
