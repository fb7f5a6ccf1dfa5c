// Bulk normal sampling into a preallocated 1024 x 1024 buffer (normalInto), float32 and
// float64, on every available backend, plus the single-lane TypeScript loop (one
// `stream(k)`, as `Stream.nextNormal`) for comparison. Variants take turns run by run; each
// figure is the median over `--repeats` timed runs after `--warmup` untimed ones, in millions of
// samples per second. Run under the machine's benchmark lock when others share it.
//
//   pnpm bench:normal
//   pnpm bench:normal --repeats 15
import { parseArgs } from 'node:util';
import { fillLane } from '../src/_kernels/normal.js';
import * as T from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '11' },
    warmup: { type: 'string', default: '5' },
  },
});
const repeats = Number(args.repeats);
const warmup = Number(args.warmup);
if (!(Number.isInteger(repeats) && repeats >= 1))
  throw new RangeError('bench: --repeats must be >= 1');
if (!(Number.isInteger(warmup) && warmup >= 0))
  throw new RangeError('bench: --warmup must be >= 0');

const n = 1024 * 1024;
const root = T.key(0);
let run = 0;
console.log(
  `normalInto [1024,1024]: node ${process.version}, Msamples/s, median (min..max) of ${repeats} after ${warmup} warm-up runs`,
);
for (const dtype of T.DTYPES) {
  const buf = T.zeros([1024, 1024], { dtype });
  const variants: [string, () => void][] = [
    [
      'js, single lane (Stream.nextNormal)',
      () => fillLane(n, buf.data, 1, 0, T.stream(T.foldIn(root, run++))),
    ],
    ...T.listBackends().map((b): [string, () => void] => [
      `${b}, normalInto`,
      () => {
        T.setBackend(b);
        T.normalInto(T.foldIn(root, run++), buf);
      },
    ]),
  ];
  const ms = variants.map(() => [] as number[]);
  for (let r = 0; r < warmup + repeats; r++)
    for (const [i, [, fn]] of variants.entries()) {
      const t0 = performance.now();
      fn();
      if (r >= warmup) ms[i].push(performance.now() - t0);
    }
  for (const [i, [name]] of variants.entries()) {
    const t = ms[i].sort((a, b) => a - b);
    const rate = (x: number) => (n / x / 1e3).toFixed(1);
    console.log(
      `${dtype.padEnd(8)} ${name.padEnd(36)} ${rate(t[t.length >> 1]).padStart(6)} (${rate(t[t.length - 1])}..${rate(t[0])})`,
    );
  }
}
