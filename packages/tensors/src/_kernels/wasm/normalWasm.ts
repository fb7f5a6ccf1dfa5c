import type { FloatArray } from '../../dtype.js';
import type { Key } from '../../random/key.js';
import { ZIGGURAT_FN, ZIGGURAT_KN, ZIGGURAT_WN } from '../../random/ziggurat.js';
import { normalLanes } from '../normal.js';
import { SAMPLER_LAYOUT as L, SAMPLER_BASE64 } from './sampler.generated.js';

// The exports of the sampler module (scripts/wasm/sampler.ts).
interface SamplerExports {
  memory: WebAssembly.Memory;
  /** Writes 4 * groups float64 draws to the output block, advancing the lanes. */
  fill_f64: (groups: number) => void;
  /** The same draws rounded to float32. */
  fill_f32: (groups: number) => void;
  /** The slow path's approximation of exp on [-6, 0]. */
  exp_approx: (z: number) => number;
}

/** The sampler instance with views of its memory (one page, never grown). */
export class Sampler {
  readonly fill_f64: (groups: number) => void;
  readonly fill_f32: (groups: number) => void;
  /** The slow path's approximation of exp on [-6, 0] (for tests). */
  readonly expApprox: (z: number) => number;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;

  constructor(instance: WebAssembly.Instance) {
    const ex = instance.exports as unknown as SamplerExports;
    this.fill_f64 = ex.fill_f64;
    this.fill_f32 = ex.fill_f32;
    this.expApprox = ex.exp_approx;
    this.i32 = new Int32Array(ex.memory.buffer);
    this.f32 = new Float32Array(ex.memory.buffer);
    this.f64 = new Float64Array(ex.memory.buffer);
    // The tables are the TypeScript ones, so both backends use the very same numbers.
    for (let i = 0; i < 128; i++) this.i32[(L.kn >>> 2) + i] = ZIGGURAT_KN[i] ^ 0x80000000;
    this.f64.set(ZIGGURAT_WN, L.wn >>> 3);
    this.f64.set(ZIGGURAT_FN, L.fn >>> 3);
  }
}

// The slow path calls these; they are V8's, as in the TypeScript reference.
export const imports = { math: { exp: Math.exp, log: Math.log } };
let sampler: Sampler | undefined;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The sampler, compiling its module synchronously on first use (Node, workers; in a browser's
 * main thread call `loadSampler` first).
 *
 * @throws when WebAssembly or its SIMD extension is missing, or compilation is refused
 */
export function getSampler(): Sampler {
  if (sampler === undefined) {
    const module = new WebAssembly.Module(decode(SAMPLER_BASE64));
    sampler = new Sampler(new WebAssembly.Instance(module, imports));
  }
  return sampler;
}

/** Compiles and instantiates the sampler asynchronously, so `getSampler` needs no compile. */
export async function loadSampler(): Promise<Sampler> {
  if (sampler === undefined) {
    const { instance } = await WebAssembly.instantiate(decode(SAMPLER_BASE64), imports);
    sampler ??= new Sampler(instance);
  }
  return sampler;
}

/**
 * `fillNormalKernel` (the same numbers, bit for bit) with the draws made by the WebAssembly
 * SIMD sampler in blocks of `SAMPLER_LAYOUT.chunk`, each copied to `out` (`set` when the view
 * is contiguous, a row-major scatter otherwise).
 */
export function fillNormalWasm(
  k: Key,
  rows: number,
  cols: number,
  out: FloatArray,
  s0: number,
  s1: number,
  offset: number,
): void {
  if (rows * cols > 0) fillNormalWith(getSampler(), k, rows, cols, out, s0, s1, offset);
}

/** `fillNormalWasm` with a given sampler instance. */
export function fillNormalWith(
  sm: Sampler,
  k: Key,
  rows: number,
  cols: number,
  out: FloatArray,
  s0: number,
  s1: number,
  offset: number,
): void {
  const n = rows * cols;
  const lanes = normalLanes(k);
  const st = L.state >>> 2;
  for (let l = 0; l < 4; l++) {
    sm.i32[st + l] = lanes[l].s0;
    sm.i32[st + 4 + l] = lanes[l].s1;
    sm.i32[st + 8 + l] = lanes[l].s2;
    sm.i32[st + 12 + l] = lanes[l].s3;
  }
  const f32 = out instanceof Float32Array;
  const src = f32 ? sm.f32 : sm.f64;
  const base = f32 ? L.out >>> 2 : L.out >>> 3;
  const contiguous = s1 === 1 && (rows === 1 || s0 === cols);
  let i = 0;
  let j = 0;
  for (let e = 0; e < n; e += L.chunk) {
    const len = Math.min(L.chunk, n - e);
    if (f32) sm.fill_f32((len + 3) >>> 2);
    else sm.fill_f64((len + 3) >>> 2);
    if (contiguous) {
      out.set(src.subarray(base, base + len), offset + e);
      continue;
    }
    for (let t = 0; t < len; t++) {
      out[offset + i * s0 + j * s1] = src[base + t];
      if (++j === cols) {
        j = 0;
        i++;
      }
    }
  }
}
