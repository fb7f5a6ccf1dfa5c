// Where the time of the wasm GEMM goes at the workload shapes (A 1024x1024, B 1024x256 and the
// transposes, and the masked product at n = 1024, m = 256, d = 1024), for each micro kernel
// variant this engine runs (`plain` multiply then add; `fma` relaxed-SIMD multiply-add, on
// engines with relaxed SIMD: Node >= 22, or Node 20 with --experimental-wasm-relaxed-simd):
// end to end through `gemmInto` / `maskedGemmInto`, the kernel export alone on operands
// already in the arena (packing + micro kernel), and the copies alone (operands in, C out).
// Figures are medians of per-run CPU time (process.cpuUsage: steadier than wall time on a
// shared machine) as GFLOP/s of the product.
//
//   tsx --conditions=@mtrl/source bench/gemm-parts.bench.ts [--repeats 9]
//   node --experimental-wasm-relaxed-simd --import tsx --conditions=@mtrl/source bench/gemm-parts.bench.ts
import { parseArgs } from 'node:util';
import { getArena, relaxedSimdSupported, resetArena } from '../src/_kernels/wasm/arena.js';
import { copyIn, copyOut, tileOf } from '../src/_kernels/wasm/gemmWasm.js';
import * as T from '../src/index.js';

const { values: args } = parseArgs({ options: { repeats: { type: 'string', default: '9' } } });
const repeats = Number(args.repeats);
if (!(Number.isInteger(repeats) && repeats >= 1))
  throw new RangeError('gemm-parts: --repeats must be >= 1');
T.setBackend('wasm');
const N = 1024;
const D = 1024;
const M = 256;
const flops = 2 * N * D * M;
const variants = relaxedSimdSupported() ? [false, true] : [false];

function cpuMs(fn: () => void): number {
  const u = process.cpuUsage();
  fn();
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000;
}
const median = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1];
const rate = (ms: number) => (flops / ms / 1e6).toFixed(1).padStart(5);

console.log(
  `node ${process.version}, variants: ${variants.map((f) => (f ? 'fma' : 'plain')).join(', ')}; GFLOP/s (median of ${repeats} CPU-time runs)`,
);
for (const [di, dtype] of T.DTYPES.entries()) {
  const t = dtype === 'float32' ? 'f32' : 'f64';
  const es = t === 'f32' ? 4 : 8;
  const [ka, kb, kbt, kz, kg, kh] = T.split(T.foldIn(T.key(0), di), 6);
  const a = T.normal(ka, [N, D], { dtype });
  const b = T.normal(kb, [D, M], { dtype });
  const bt = T.normal(kbt, [M, D], { dtype });
  const c = T.zeros([N, M], { dtype });
  const z = T.normal(kz, [N, M], { dtype });
  const g = T.normal(kg, [N], { dtype });
  const h = T.normal(kh, [M], { dtype });
  const out = T.zeros([M, D], { dtype });
  const cases = [
    ['NN', () => T.gemmInto(c, a, b), [D, 1], b, [M, 1]],
    ['TN', () => T.gemmInto(c, a, b, { transA: true }), [1, D], b, [M, 1]],
    ['NT', () => T.gemmInto(c, a, bt, { transB: true }), [D, 1], bt, [1, D]],
    ['masked', () => T.maskedGemmInto(out, z, g, h, a, { alpha: 1 / N }), [0, 0], b, [0, 0]],
  ] as const;
  for (const [name, e2e, sa, bm, sb] of cases) {
    const cells: string[] = [];
    for (const fma of variants) {
      resetArena(fma);
      const ar = getArena();
      const { nr, mb } = tileOf(fma, t);
      ar.reset();
      const wa = ar.alloc(mb * D * es);
      const wb = ar.alloc(Math.ceil(D / nr) * nr * D * es);
      const pa = ar.alloc(N * D * es);
      const pb = ar.alloc(D * M * es);
      const pc = ar.alloc(N * D * es);
      ar.reserve();
      copyIn(ar, a.data, 0, N * D - 1, pa);
      copyIn(ar, bm.data, 0, D * M - 1, pb);
      const k = t === 'f32' ? ar.kernels : ar.kernels;
      const kern =
        name === 'masked'
          ? () =>
              (t === 'f32' ? k.masked_f32 : k.masked_f64)(
                N,
                M,
                D,
                1,
                pb,
                M,
                1,
                pb,
                M,
                pb,
                1,
                pa,
                D,
                1,
                0,
                pc,
                D,
                1,
                wa,
                wb,
              )
          : () =>
              (t === 'f32' ? k.gemm_f32 : k.gemm_f64)(
                N,
                M,
                D,
                1,
                pa,
                sa[0],
                sa[1],
                pb,
                sb[0],
                sb[1],
                0,
                pc,
                M,
                1,
                wa,
                wb,
              );
      const copies = () => {
        copyIn(ar, a.data, 0, N * D - 1, pa);
        copyIn(ar, bm.data, 0, D * M - 1, pb);
        copyOut(ar, c.data, 0, N * M - 1, pc);
      };
      const parts = [e2e, kern, copies];
      const ms: number[][] = parts.map(() => []);
      for (const f of parts) for (let r = 0; r < 3; r++) f();
      for (let r = 0; r < repeats; r++) for (const [i, f] of parts.entries()) ms[i].push(cpuMs(f));
      const [me, mk, mc] = ms.map(median);
      cells.push(
        `${fma ? 'fma  ' : 'plain'} e2e ${rate(me)}  kernel ${rate(mk)}  copies ${mc.toFixed(2)} ms`,
      );
    }
    console.log(`${t} ${name.padEnd(6)}  ${cells.join('   |   ')}`);
  }
}
resetArena();
