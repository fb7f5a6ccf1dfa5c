// Throughput of the @mtrl/tensors hot paths at the workload shapes (SPEC: n = 1024 samples,
// d = 1024 inputs, m = 256 hidden units): GEMM in the three orientations the network uses,
// the masked first-layer gradient product, and normal sampling, for every available backend
// (`js`, `wasm`) side by side. Each figure is the median over `--repeats` timed runs after
// `--warmup` untimed ones; the backends take turns run by run, so load from other processes
// falls on both alike, and the last column is the ratio of the medians.
//
//   pnpm bench                     # table
//   pnpm bench --json              # one JSON document
//   pnpm bench --seed 7 --repeats 9
//   pnpm bench --backends wasm     # one backend
import { parseArgs } from 'node:util';
import * as T from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seed: { type: 'string', default: '0' },
    repeats: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '5' },
    backends: { type: 'string', default: T.listBackends().join(',') },
  },
});
const backends = args.backends.split(',').filter(Boolean);
for (const b of backends) if (!T.listBackends().includes(b)) T.setBackend(b); // throws, naming it
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
  backend: string;
  name: string;
  dtype: T.DType;
  shape: string;
  unit: 'GFLOP/s' | 'Msamples/s';
  median: number;
  min: number;
  max: number;
  medianMs: number;
}

/**
 * Times `fn` under each backend, the backends taking turns run by run, and returns per-run
 * milliseconds for each backend, sorted.
 */
function time(fn: () => void): number[][] {
  const ms: number[][] = backends.map(() => []);
  for (const b of backends) {
    T.setBackend(b);
    for (let r = 0; r < warmup; r++) fn();
  }
  for (let r = 0; r < repeats; r++) {
    for (const [i, b] of backends.entries()) {
      T.setBackend(b);
      const t0 = performance.now();
      fn();
      ms[i].push(performance.now() - t0);
    }
  }
  return ms.map((x) => x.sort((p, q) => p - q));
}

function addRows(
  name: string,
  dtype: T.DType,
  shape: string,
  unit: Row['unit'],
  work: number,
  msByBackend: number[][],
): void {
  const rate = (t: number) => work / (t / 1000) / (unit === 'GFLOP/s' ? 1e9 : 1e6);
  for (const [i, backend] of backends.entries()) {
    const ms = msByBackend[i];
    const med = ms[Math.floor(ms.length / 2)];
    rows.push({
      seed,
      backend,
      name,
      dtype,
      shape,
      unit,
      median: rate(med),
      min: rate(ms[ms.length - 1]),
      max: rate(ms[0]),
      medianMs: med,
    });
  }
}

const rows: Row[] = [];
const N = 1024; // samples
const D = 1024; // inputs
const M = 256; // hidden units
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
    addRows(name, dtype, shape, 'GFLOP/s', flops, time(fn));

  // First-layer gradient: out [m, d] = ((z > 0) ⊙ g a^T)^T x, z [n, m], x [n, d].
  const z = T.normal(kz, [N, M], { dtype });
  const g = T.normal(kg, [N], { dtype });
  const h = T.normal(kh, [M], { dtype });
  const out = T.zeros([M, D], { dtype });
  addRows(
    'maskedGemm',
    dtype,
    'n=1024 m=256 d=1024',
    'GFLOP/s',
    2 * N * M * D,
    time(() => T.maskedGemmInto(out, z, g, h, a, { alpha: 1 / N })),
  );

  // Sampling into a preallocated buffer isolates the sampler from allocation; a fresh key per
  // run keeps with the rule that a key is never used twice.
  const buf = T.zeros([1024, 1024], { dtype });
  let run = 0;
  const kNormal = T.foldIn(root, 100 + di);
  addRows(
    'normalInto',
    dtype,
    '[1024,1024]',
    'Msamples/s',
    buf.data.length,
    time(() => T.normalInto(T.foldIn(kNormal, run++), buf)),
  );
  addRows(
    'normal (allocating)',
    dtype,
    '[1024,1024]',
    'Msamples/s',
    1024 * 1024,
    time(() => T.normal(T.foldIn(kNormal, run++), [1024, 1024], { dtype })),
  );
}

if (args.json) {
  const meta = {
    seed,
    repeats,
    warmup,
    node: process.version,
    arch: process.arch,
    backends,
  };
  console.log(JSON.stringify({ meta, rows }, null, 2));
} else {
  console.log(
    `@mtrl/tensors bench: node ${process.version} ${process.arch}, seed=${seed}, median (min..max) of ${repeats} after ${warmup} warm-up runs, backends taking turns`,
  );
  const ratio = backends.length > 1 ? [`${backends[1]}/${backends[0]}`] : [];
  const header = ['op', 'dtype', 'shape', 'unit', ...backends, ...ratio];
  const body: string[][] = [];
  for (let i = 0; i < rows.length; i += backends.length) {
    const group = rows.slice(i, i + backends.length);
    const r = group[0];
    body.push([
      r.name,
      r.dtype,
      r.shape,
      r.unit,
      ...group.map((g) => `${g.median.toFixed(2)} (${g.min.toFixed(1)}..${g.max.toFixed(1)})`),
      ...(ratio.length ? [`${(group[1].median / group[0].median).toFixed(2)}x`] : []),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
}
