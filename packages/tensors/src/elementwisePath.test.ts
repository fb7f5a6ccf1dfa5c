import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loopNest } from './_loopNest.js';
import { forceLoops, loadNdarrayOps, viaNdarrayOps } from './elementwisePath.js';
import {
  add,
  addInto,
  addScalar,
  axpyInto,
  DTYPES,
  type DType,
  elementwisePath,
  frobeniusNorm,
  isContiguous,
  key,
  max,
  mean,
  min,
  mul,
  normal,
  relu,
  reluInto,
  reluMask,
  scale,
  scaleInto,
  sub,
  sum,
  type Tensor,
  view,
  zeros,
} from './index.js';

// Whether this process lets `new Function` run: false under
// NODE_OPTIONS=--disallow-code-generation-from-strings (npm run test:nocodegen).
const codegen = (() => {
  try {
    return new Function('return 1')() === 1;
  } catch {
    return false;
  }
})();

const LEN = 96;

// The buffers every layout views. 'specials' plants the values whose handling differs between
// formulas (NaN, both zeros, both infinities, a float32 subnormal); 'spread' scales normal
// draws over 2^-20..2^20, so sums depend on their order even in float32; 'zeros' holds only
// -0, 0 and -1.5, so max and min return whichever zero they meet first.
const KINDS = ['specials', 'spread', 'zeros'] as const;

function buffer(
  dtype: DType,
  seed: number,
  kind: (typeof KINDS)[number],
): Float32Array | Float64Array {
  const d = normal(key(seed), [LEN], { dtype }).data;
  if (kind === 'specials')
    d.set([Number.NaN, -0, 0, Infinity, -Infinity, 3e-39, -0, 0, -1e-300], 0);
  if (kind === 'spread') for (let i = 0; i < LEN; i++) d[i] *= 2 ** (((i * 7) % 41) - 20);
  if (kind === 'zeros') for (let i = 0; i < LEN; i++) d[i] = [-0, 0, -1.5][(i * 5 + seed) % 3];
  return d;
}

type Layout = readonly [
  name: string,
  shape: [number] | [number, number],
  stride: number[],
  offset: number,
];

// Every layout of a [5, 3] matrix or a [12] vector the ops meet, each over the whole buffer so
// the planted values fall inside: contiguous, transposed, row and column slices, gaps in both
// axes, negative strides, a broadcast row (stride 0), degenerate and empty shapes.
const LAYOUTS: readonly Layout[] = [
  ['contiguous', [5, 3], [3, 1], 0],
  ['contiguous at an offset', [5, 3], [3, 1], 2],
  ['transposed', [5, 3], [1, 5], 0],
  ['column slice', [5, 3], [9, 1], 1],
  ['transposed block', [5, 3], [1, 11], 3],
  ['gaps in both axes', [5, 3], [13, 2], 0],
  ['negative strides', [5, 3], [-9, -1], 60],
  ['negative, transposed', [5, 3], [-1, -7], 40],
  ['broadcast row', [5, 3], [0, 1], 4],
  ['equal strides', [5, 3], [2, 2], 0],
  ['one row', [1, 7], [9, 2], 3],
  ['one column', [7, 1], [5, 3], 1],
  ['empty', [0, 3], [3, 1], 0],
  ['vector', [12], [1], 0],
  ['strided vector', [12], [3], 2],
  ['reversed vector', [12], [-4], 70],
];

const at = (d: Float32Array | Float64Array, l: Layout): Tensor =>
  view(d, l[1] as [number, number], l[2] as [number, number], l[3]);
const sameShape = (a: Layout, b: Layout) => a[1].join() === b[1].join();
// Layouts an in-place op may write through: no element twice (no stride 0, no overlap).
const writable = (l: Layout) => l[0] !== 'broadcast row' && l[0] !== 'equal strides';
const bits = (d: Float32Array | Float64Array) => Array.from(new Uint8Array(d.buffer.slice(0)));
const onLoops = <T>(f: () => T): T => {
  forceLoops(true);
  try {
    return f();
  } finally {
    forceLoops(false);
  }
};

// Each op as a function of fresh copies of the two buffers; returns the bytes it produced (the
// output, or the whole written buffer for an in-place op) or the number it returned.
type Case = (x: Float32Array | Float64Array, y: Float32Array | Float64Array) => unknown;
const inPlace =
  (f: Case): Case =>
  (x, y) => {
    f(x, y);
    return bits(x);
  };

function cases(a: Layout, b: Layout): [string, Case][] {
  const out: [string, Case][] = [
    ['scale', (x) => bits(scale(at(x, a), -2.5).data)],
    ['addScalar', (x) => bits(addScalar(at(x, a), 0.75).data)],
    ['relu', (x) => bits(relu(at(x, a)).data)],
    ['reluMask', (x) => bits(reluMask(at(x, a)).data)],
    ['sum', (x) => sum(at(x, a))],
    ['frobeniusNorm', (x) => frobeniusNorm(at(x, a))],
    ['max', (x) => max(at(x, a))],
    ['min', (x) => min(at(x, a))],
  ];
  if (a[1][0] !== 0) out.push(['mean', (x) => mean(at(x, a))]);
  if (sameShape(a, b))
    out.push(
      ['add', (x, y) => bits(add(at(x, a), at(y, b)).data)],
      ['sub', (x, y) => bits(sub(at(x, a), at(y, b)).data)],
      ['mul', (x, y) => bits(mul(at(x, a), at(y, b)).data)],
    );
  if (writable(a)) {
    out.push(
      ['scaleInto', inPlace((x) => scaleInto(at(x, a), 1.5))],
      ['reluInto', inPlace((x) => reluInto(at(x, a)))],
    );
    if (sameShape(a, b))
      out.push(
        ['axpyInto', inPlace((x, y) => axpyInto(at(x, a), -0.5, at(y, b)))],
        ['addInto', inPlace((x, y) => addInto(at(x, a), at(y, b), at(y, a)))],
      );
  }
  return out;
}

afterEach(() => forceLoops(false));

describe('elementwisePath', () => {
  it("reports 'loops' exactly where new Function is refused", async () => {
    // npm run test:nocodegen passes the flag through NODE_OPTIONS: check it reached this worker.
    if (process.env.NODE_OPTIONS?.includes('--disallow-code-generation-from-strings'))
      expect(codegen).toBe(false);
    expect(elementwisePath()).toBe(codegen ? 'ndarray-ops' : 'loops');
    expect(await loadNdarrayOps()).toBe(codegen);
    expect(elementwisePath()).toBe(codegen ? 'ndarray-ops' : 'loops');
  });

  it('sends strided operands to ndarray-ops once it is loaded, contiguous ones to the loops', async () => {
    await loadNdarrayOps();
    const d = buffer('float64', 1, 'spread');
    const strided = at(d, LAYOUTS[2]);
    const contiguous = at(d, LAYOUTS[0]);
    const ran = (ts: Tensor[]) => viaNdarrayOps(ts, () => {});
    expect(ran([strided])).toBe(codegen);
    expect(ran([contiguous, strided])).toBe(codegen);
    expect(ran([contiguous])).toBe(false);
    expect(onLoops(() => ran([strided]))).toBe(false);
  });

  // The values are checked against naive loops in elementwise.test.ts and reductions.test.ts
  // (which run under the flag too) and against ndarray-ops below.
  it('runs every op on every layout on the loops path, which needs no code generation', () => {
    let runs = 0;
    for (const dtype of DTYPES)
      for (const a of LAYOUTS)
        for (const b of LAYOUTS)
          for (const [, run] of cases(a, b))
            for (const kind of KINDS) {
              onLoops(() => run(buffer(dtype, 2, kind), buffer(dtype, 3, kind)));
              runs++;
            }
    expect(runs).toBeGreaterThan(3000);
  });
});

describe.skipIf(!codegen).each(DTYPES)('loops and ndarray-ops agree bit for bit (%s)', (dtype) => {
  // ndarray-ops itself, called directly: what each path must reproduce (axpyInto is fused,
  // which ndarray-ops cannot express, so it has none).
  async function reference(): Promise<(name: string, a: Layout, b: Layout) => Case | undefined> {
    const nd = await import('./_ndarrayOps.js');
    const ndarray = (await import('ndarray')).default;
    const ops = (await import('ndarray-ops')).default;
    const v = (t: Tensor) => ndarray(t.data, [...t.shape], [...t.stride], t.offset);
    return (name, a, b) => {
      const into =
        (f: (o: Tensor, x: Tensor) => void): Case =>
        (x) => {
          const o = zeros(at(x, a).shape, { dtype });
          f(o, at(x, a));
          return bits(o.data);
        };
      const into2 =
        (f: (o: Tensor, x: Tensor, y: Tensor) => void): Case =>
        (x, y) => {
          const o = zeros(at(x, a).shape, { dtype });
          f(o, at(x, a), at(y, b));
          return bits(o.data);
        };
      const refs: Record<string, Case> = {
        scale: into((o, x) => nd.scale(o, x, -2.5)),
        addScalar: into((o, x) => nd.addScalar(o, x, 0.75)),
        relu: into(nd.relu),
        reluMask: into(nd.step),
        add: into2(nd.add),
        sub: into2(nd.sub),
        mul: into2(nd.mul),
        sum: (x) => ops.sum(v(at(x, a))),
        mean: (x) => ops.sum(v(at(x, a))) / a[1].reduce((p, n) => p * n, 1),
        frobeniusNorm: (x) => ops.norm2(v(at(x, a))),
        max: (x) => ops.sup(v(at(x, a))),
        min: (x) => ops.inf(v(at(x, a))),
        scaleInto: inPlace((x) => nd.scale(at(x, a), at(x, a), 1.5)),
        reluInto: inPlace((x) => nd.relu(at(x, a), at(x, a))),
        addInto: inPlace((x, y) => nd.add(at(x, a), at(y, b), at(y, a))),
      };
      return refs[name];
    };
  }

  it("visits a strided tensor's elements in ndarray-ops' order (its inner axis is ndarray's order[0])", async () => {
    const ndarray = (await import('ndarray')).default;
    const d = buffer(dtype, 1, 'spread');
    for (const l of LAYOUTS) {
      const t = at(d, l);
      if (t.shape.length === 1 || isContiguous(t)) continue;
      const [rows, cols, s0, s1] = loopNest(t);
      const inner = ndarray(t.data, [...t.shape], [...t.stride], t.offset).order[0];
      expect([rows, cols, s0, s1], l[0]).toEqual(
        inner === 1
          ? [...t.shape, ...t.stride]
          : [t.shape[1], t.shape[0], t.stride[1], t.stride[0]],
      );
    }
  });

  it.each(KINDS)('on every op and every pair of layouts (%s values)', async (kind) => {
    expect(await loadNdarrayOps()).toBe(true);
    const ref = await reference();
    let compared = 0;
    for (const a of LAYOUTS)
      for (const b of LAYOUTS) {
        for (const [name, run] of cases(a, b)) {
          const inputs = () => [buffer(dtype, 5, kind), buffer(dtype, 6, kind)] as const;
          const loops = onLoops(() => run(...inputs()));
          const dispatched = run(...inputs()); // strided operands: ndarray-ops
          const where = `${name}(${a[0]}, ${b[0]})`;
          expect(dispatched, where).toEqual(loops);
          if (typeof loops === 'number') expect(Object.is(dispatched, loops), where).toBe(true);
          const refCase = ref(name, a, b);
          if (refCase === undefined) continue;
          const want = refCase(...inputs());
          if (typeof want === 'number') expect(Object.is(loops, want), where).toBe(true);
          else expect(loops, where).toEqual(want);
          compared++;
        }
      }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('under node --disallow-code-generation-from-strings', () => {
  it('imports the package from its sources and runs on the loops, wasm included', () => {
    const require = createRequire(import.meta.url);
    const tsx = pathToFileURL(require.resolve('tsx/esm')).href;
    const script = `
      const t = await import('@mtrl/tensors');
      let codegen = true;
      try { new Function('return 1')(); } catch (e) { codegen = e.constructor.name; }
      const a = t.fromArray([[1, -2, 3], [4, 5, -6]], { dtype: 'float32' });
      const at = t.transpose(a);
      const before = t.elementwisePath();
      const r = {
        codegen,
        add: t.toArray(t.add(at, at)),
        relu: t.toArray(t.relu(at)),
        mask: t.toArray(t.reluMask(at)),
        scaled: t.toArray(t.scale(t.sliceCols(a, 1), 0.5)),
        sum: t.sum(at), mean: t.mean(at), max: t.max(at), min: t.min(at),
        norm: t.frobeniusNorm(t.fromArray([3, 4])),
        matmul: t.toArray(t.matmul(a, at)),
      };
      await new Promise((ok) => setTimeout(ok, 50)); // a background import would have run by now
      r.path = [before, t.elementwisePath()];
      t.setBackend('auto');
      r.backend = [t.getBackend(), t.listBackends().includes('wasm')];
      r.wasmMatmul = t.toArray(t.matmul(a, at));
      r.normal = t.normal(t.key(1), [4]).shape;
      console.log(JSON.stringify(r));
    `;
    const res = spawnSync(
      process.execPath,
      [
        '--disallow-code-generation-from-strings',
        '--conditions=@mtrl/source',
        '--import',
        tsx,
        '--input-type=module',
        '--eval',
        script,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 60_000 },
    );
    expect(res.stderr).not.toMatch(/EvalError/);
    expect(res.status, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout.trim().split('\n').at(-1) as string);
    expect(r.codegen).toBe('EvalError');
    expect(r.path).toEqual(['loops', 'loops']);
    expect(r.add).toEqual([
      [2, 8],
      [-4, 10],
      [6, -12],
    ]);
    expect(r.relu).toEqual([
      [1, 4],
      [0, 5],
      [3, 0],
    ]);
    expect(r.mask).toEqual([
      [1, 1],
      [0, 1],
      [1, 0],
    ]);
    expect(r.scaled).toEqual([
      [-1, 1.5],
      [2.5, -3],
    ]);
    expect([r.sum, r.mean, r.max, r.min, r.norm]).toEqual([5, 5 / 6, 5, -6, 5]);
    expect(r.matmul).toEqual([
      [14, -24],
      [-24, 77],
    ]);
    // WebAssembly compilation is not code generation from strings: Node 20 still compiles it.
    expect(r.backend).toEqual(['wasm', true]);
    expect(r.wasmMatmul).toEqual(r.matmul);
    expect(r.normal).toEqual([4]);
  }, 60_000);
});

// Last in this file: it moves the module to the loops for good.
describe.skipIf(!codegen)('an EvalError from ndarray-ops after the probe', () => {
  it('sends this call and every later one to the loops instead of throwing', async () => {
    expect(await loadNdarrayOps()).toBe(true);
    const d = buffer('float64', 7, 'specials');
    const t = at(d, LAYOUTS[2]);
    const want = onLoops(() => bits(relu(t).data));
    const refused = () => {
      throw new EvalError('Code generation from strings disallowed for this context');
    };
    const broken = () => {
      throw new TypeError('a bug');
    };
    expect(() => viaNdarrayOps([t], broken)).toThrow('a bug'); // other errors propagate
    expect(viaNdarrayOps([t], refused)).toBe(false);
    expect(elementwisePath()).toBe('loops');
    expect(viaNdarrayOps([t], broken)).toBe(false); // ndarray-ops is not called again
    expect(bits(relu(t).data)).toEqual(want);
  });
});
