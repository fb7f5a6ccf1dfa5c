// Throughput of the @mtrl/tensors hot paths at the workload shapes (SPEC: n = 1024 samples,
// d = 1024 inputs, m = 256 hidden units): GEMM in the three orientations the network uses,
// the masked first-layer gradient product, and normal sampling. Each figure is the median over
// `--repeats` timed runs after `--warmup` untimed ones.
//
//   pnpm bench                     # table
//   pnpm bench --json              # one JSON document
//   pnpm bench --seed 7 --repeats 9
import { parseArgs } from 'node:util';
import * as T from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seed: { type: 'string', default: '0' },
    repeats: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '5' },
  },
});
const seed = Number(args.seed);
const repeats = Number(args.repeats);
const warmup = Number(args.warmup);
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new RangeError('bench: --seed must be an integer >= 0');
if (!(Number.isInteger(repeats) && repeats >= 1))
  throw new RangeError('bench: --repeats must be >= 1');
if (!(Number.isInteger(warmup) && warmup >= 0))
  throw new RangeError('bench: --warmup must be >= 0');

interface Row {
  seed: number;
  name: string;
  dtype: T.DType;
  shape: string;
  unit: 'GFLOP/s' | 'Msamples/s';
  median: number;
  min: number;
  max: number;
  medianMs: number;
}

/** Times `fn` and returns per-run milliseconds, sorted. */
function time(fn: () => void): number[] {
  for (let r = 0; r < warmup; r++) fn();
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((x, y) => x - y);
}

function row(
  name: string,
  dtype: T.DType,
  shape: string,
  unit: Row['unit'],
  work: number,
  ms: number[],
): Row {
  const rate = (t: number) => work / (t / 1000) / (unit === 'GFLOP/s' ? 1e9 : 1e6);
  const med = ms[Math.floor(ms.length / 2)];
  return {
    seed,
    name,
    dtype,
    shape,
    unit,
    median: rate(med),
    min: rate(ms[ms.length - 1]),
    max: rate(ms[0]),
    medianMs: med,
  };
}

const N = 1024; // samples
const D = 1024; // inputs
const M = 256; // hidden units
const rows: Row[] = [];
const root = T.key(seed);

for (const [di, dtype] of T.DTYPES.entries()) {
  const [ka, kb, kbt, kz, kg, kh] = T.split(T.foldIn(root, di), 6);
  const a = T.normal(ka, [N, D], { dtype }); // 1024 x 1024
  const b = T.normal(kb, [D, M], { dtype }); // 1024 x 256
  const bt = T.normal(kbt, [M, D], { dtype }); // 256 x 1024, used as B^T
  const c = T.zeros([N, M], { dtype });
  const flops = 2 * N * D * M;
  const gemmCases = [
    ['gemm NN  C = A B', '[1024,1024] x [1024,256]', () => T.gemmInto(c, a, b)],
    [
      'gemm TN  C = A^T B',
      '[1024,1024]^T x [1024,256]',
      () => T.gemmInto(c, a, b, { transA: true }),
    ],
    [
      'gemm NT  C = A B^T',
      '[1024,1024] x [256,1024]^T',
      () => T.gemmInto(c, a, bt, { transB: true }),
    ],
  ] as const;
  for (const [name, shape, fn] of gemmCases)
    rows.push(row(name, dtype, shape, 'GFLOP/s', flops, time(fn)));

  // First-layer gradient: out [m, d] = ((z > 0) ⊙ g a^T)^T x, z [n, m], x [n, d].
  const z = T.normal(kz, [N, M], { dtype });
  const g = T.normal(kg, [N], { dtype });
  const h = T.normal(kh, [M], { dtype });
  const out = T.zeros([M, D], { dtype });
  rows.push(
    row(
      'maskedGemm',
      dtype,
      'n=1024 m=256 d=1024',
      'GFLOP/s',
      2 * N * M * D,
      time(() => T.maskedGemmInto(out, z, g, h, a, { alpha: 1 / N })),
    ),
  );

  // Sampling into a preallocated buffer isolates the sampler from allocation; a fresh key per
  // run keeps with the rule that a key is never used twice.
  const buf = T.zeros([1024, 1024], { dtype });
  let run = 0;
  const kNormal = T.foldIn(root, 100 + di);
  rows.push(
    row(
      'normalInto',
      dtype,
      '[1024,1024]',
      'Msamples/s',
      buf.data.length,
      time(() => T.normalInto(T.foldIn(kNormal, run++), buf)),
    ),
  );
  rows.push(
    row(
      'normal (allocating)',
      dtype,
      '[1024,1024]',
      'Msamples/s',
      1024 * 1024,
      time(() => T.normal(T.foldIn(kNormal, run++), [1024, 1024], { dtype })),
    ),
  );
}

if (args.json) {
  const meta = {
    seed,
    repeats,
    warmup,
    node: process.version,
    arch: process.arch,
    backend: T.getBackend(),
  };
  console.log(JSON.stringify({ meta, rows }, null, 2));
} else {
  console.log(
    `@mtrl/tensors bench: backend=${T.getBackend()} node ${process.version} ${process.arch}, seed=${seed}, median of ${repeats} after ${warmup} warm-up runs`,
  );
  const header = ['op', 'dtype', 'shape', 'median', 'min..max', 'unit', 'ms'];
  const body = rows.map((r) => [
    r.name,
    r.dtype,
    r.shape,
    r.median.toFixed(2),
    `${r.min.toFixed(2)}..${r.max.toFixed(2)}`,
    r.unit,
    r.medianMs.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((s, i) => (i >= 3 && i <= 4 ? s.padStart(widths[i]) : s.padEnd(widths[i])))
      .join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
}
