/**
 * An estimate of the core clock, so `perf` can put GEMM GFLOP/s next to what 128-bit SIMD can
 * do on the machine it ran on. Shared cloud machines change clock from run to run (here 3.0 to
 * 3.5 GHz within an hour), which moves every GFLOP/s figure with it; the fraction of the peak
 * moves much less.
 *
 * The probe is a WebAssembly loop of 32 dependent 32-bit integer additions per iteration. An
 * integer add has a latency of one cycle on every x86-64 and ARM64 core in use, and the chain
 * forbids overlap, so iterations x 32 / seconds is the clock. The module is written out byte by
 * byte below (no assembler at run time); a test checks it computes what it says.
 */
import type { DType } from '@mtrl/tensors';

/** Dependent additions per loop iteration. */
export const CHAIN = 32;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const I32 = 0x7f;

/**
 * The probe module: export `chain(n, y)` runs n >= 1 iterations of `x += y` CHAIN times and
 * returns x (from 0, wrapping at 2^32), that is n * CHAIN * y mod 2^32.
 */
export function clockProbeBytes(): Uint8Array<ArrayBuffer> {
  const [N, Y, X] = [0, 1, 2];
  const add = [0x20, X, 0x20, Y, 0x6a, 0x21, X]; // local.get x, local.get y, i32.add, local.set x
  const body = [
    ...[1, 1, I32], // one local declaration: 1 x i32 (x)
    ...[0x03, 0x40], // loop (no result)
    ...Array.from({ length: CHAIN }, () => add).flat(),
    ...[0x20, N, 0x41, 1, 0x6b, 0x22, N, 0x0d, 0], // n = n - 1; br_if 0 (n != 0)
    0x0b, // end loop
    ...[0x20, X, 0x0b], // x; end
  ];
  const name = [...'chain'].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]), // type 0: (i32, i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, name.length, ...name, 0x00, 0]), // export "chain" = function 0
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

type Chain = (n: number, y: number) => number;
let chain: Chain | undefined;

/** The probe's `chain` export (compiled once per thread). */
export function clockChain(): Chain {
  if (chain === undefined) {
    const mod = new WebAssembly.Module(clockProbeBytes());
    chain = new WebAssembly.Instance(mod).exports.chain as Chain;
  }
  return chain;
}

/**
 * The clock in GHz: the median of `samples` timed runs of about 20 ms each, after warm-up
 * calls that let the engine move the probe to its optimising compiler.
 * @throws {RangeError} when samples is not an integer >= 1
 */
export function measureClockGHz(samples = 5): number {
  if (!(Number.isInteger(samples) && samples >= 1))
    throw new RangeError(`measureClockGHz: samples must be an integer >= 1, got ${samples}`);
  const f = clockChain();
  for (let i = 0; i < 20; i++) f(20_000, 1);
  const iterations = 2_000_000;
  const ghz: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    f(iterations, s + 1);
    const ms = performance.now() - t0;
    ghz.push((iterations * CHAIN) / ms / 1e6);
  }
  ghz.sort((a, b) => a - b);
  return ghz[Math.floor(ghz.length / 2)];
}

/**
 * Floating-point operations per cycle of one core with 128-bit SIMD (WebAssembly's width) and
 * two fused multiply-add pipes, as on AMD Zen 2-5 and Intel Skylake and later: 2 pipes x 2
 * flops x 4 float32 (2 float64) lanes.
 */
export function simdFlopsPerCycle(dtype: DType): number {
  return dtype === 'float32' ? 16 : 8;
}
