/**
 * The table of bad inputs and faults: each row is a fault against the CLI, the libraries or
 * the Redis queue, with the outcome that must hold (exit code, message, files). Every row runs
 * at a tiny size (d = 16, r = 2, T = 4, m = 16, n1 = n2 = 64) with fixed seeds; none asserts
 * wall-clock time. The Redis rows use database 5 of the test server (see test/redisSetup.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetwork, saveNetwork } from '@mtrl/network';
import { coverage, featureMap, subspaceEnergy } from '@mtrl/probes';
import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, normal, toArray, zeros } from '@mtrl/tensors';
import { Queue, Worker } from 'bullmq';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { main } from './cli.js';
import { runMeta } from './meta.js';
import { parseGridAxis } from './overrides.js';
import { silentProgress } from './progress.js';
import { connectRedis } from './queue/connectRedis.js';
import { runQueuedSweep } from './queue/coordinator.js';
import processSweepJob from './queue/processor.js';
import { jobIdOf, type SweepJobData, softwareVersions } from './queue/sweepIdentity.js';
import { forgetSweep } from './queue/sweepRegistry.js';
import { runWorker } from './queue/worker.js';
import { unitsOfSeed } from './reproduce/experiments.js';
import { SIZES } from './reproduce/sizes.js';
import { planSweep, readSweepRecords, runSweepPoint } from './sweep.js';
import { baseConfigHash } from './sweepDir.js';

const BASE = {
  name: 'fault',
  seed: 0,
  seeds: 1,
  groundTruth: { d: 16, r: 2 },
  pretrain: { T: 4, m: 16, n1: 64, n2: 64, eta: 1000 },
  methods: ['multiTask', 'randomFeatures'],
  downstream: { nTrain: 50, nTest: 100 },
};

const REDIS = inject('redisUrl') || undefined;
/** Database 5 of the test server: keys of these rows never meet those of queue.test.ts. */
const redisUrl = () => {
  const u = new URL(REDIS ?? 'redis://127.0.0.1:1');
  u.pathname = '/5';
  return u.toString();
};

/** What one row did. */
interface Outcome {
  code?: number;
  error?: string;
  stdout: string;
  stderr: string;
}

interface Ctx {
  /** A fresh folder for the row. */
  readonly dir: string;
  /** The tiny config, as `dir/c.json`. */
  readonly cfg: string;
  readonly url: string;
}

/** One row: the fault, and the outcome that must hold. */
interface FaultCase {
  readonly area: 'budget' | 'out' | 'journal' | 'grid' | 'sweep' | 'network' | 'probes' | 'queue';
  readonly name: string;
  readonly run: (ctx: Ctx) => Promise<Outcome>;
  /** Exit code of the CLI. */
  readonly code?: number;
  /** Message of the error thrown (library rows). */
  readonly error?: RegExp;
  readonly stderr?: RegExp;
  readonly stdout?: RegExp;
  /** Checks of what is left behind (files, Redis keys). */
  readonly after?: (ctx: Ctx, out: Outcome) => void | Promise<void>;
  readonly redis?: boolean;
}

/** A deep merge of plain objects (arrays and values replace). */
function merge(a: unknown, b: unknown): unknown {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

function writeConfig(dir: string, patch: unknown = {}, name = 'c.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(merge(BASE, patch)));
  return path;
}

function capture() {
  const io = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    io.stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    io.stderr += String(s);
    return true;
  });
  return io;
}

afterEach(() => vi.restoreAllMocks());

/** A row that runs `mtrl-bench <args>` in this process. */
const cli =
  (args: (ctx: Ctx) => string[], setup?: (ctx: Ctx) => void) =>
  async (ctx: Ctx): Promise<Outcome> => {
    setup?.(ctx);
    const io = capture();
    const code = await main(args(ctx));
    vi.restoreAllMocks();
    return { code, ...io };
  };

/** A row that calls a library function; its error, if any, is the outcome. */
const call =
  (fn: (ctx: Ctx) => unknown) =>
  async (ctx: Ctx): Promise<Outcome> => {
    const io = capture();
    try {
      await fn(ctx);
      return { ...io };
    } catch (e) {
      return { error: (e as Error).message, ...io };
    } finally {
      vi.restoreAllMocks();
    }
  };

const results = (ctx: Ctx, out = 'sw') => join(ctx.dir, out, 'results.jsonl');
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
const sweep = (ctx: Ctx, ...grid: string[]) => [
  'sweep',
  ctx.cfg,
  ...grid.flatMap((g) => ['--grid', g]),
  '--out',
  join(ctx.dir, 'sw'),
  '--quiet',
];

/** A reproduce journal of one tiny unit written by other software (no built-code field). */
function otherSoftwareJournal(): string {
  const unit = unitsOfSeed(SIZES.tiny, 0)[0];
  const rec = {
    id: JSON.stringify(unit),
    unit,
    size: SIZES.tiny,
    software: { '@mtrl/bench': '0.0.1' },
    result: { main: [], complexity: [] },
    seconds: 1,
  };
  return `${JSON.stringify(rec)}\n`;
}

/** One real record of the tiny config at pretrain.T = 4 (the point sweeps of these rows run). */
async function realRecord(): Promise<Record<string, unknown>> {
  const [p] = planSweep(BASE, 'fault', [parseGridAxis('pretrain.T=4')]);
  const result = await runSweepPoint(p.config, runMeta(), new AbortController().signal);
  return { id: p.id, point: p.point, config: p.config, result };
}

/** A job of the tiny sweep point pretrain.T = 4, as a coordinator enqueues it. */
function jobOf(patch: Partial<SweepJobData> = {}): { id: string; data: SweepJobData } {
  const [p] = planSweep(BASE, 'fault', [parseGridAxis('pretrain.T=4')]);
  const meta = runMeta();
  return {
    id: 'job-1',
    data: {
      sweep: 'a'.repeat(64),
      id: p.id,
      point: p.point,
      config: p.config,
      packages: softwareVersions(meta),
      software: meta.software,
      ...patch,
    },
  };
}

/**
 * Enqueues the one-point sweep (pretrain.T = 4) on a fresh queue without waiting, then lets an
 * in-process BullMQ worker answer its job with `answer` (a forged or tampered result), and runs
 * the coordinator again to collect it.
 */
async function forgedAnswer(
  ctx: Ctx,
  answer: (job: { id?: string; data: SweepJobData }) => Promise<unknown> | unknown,
): Promise<Outcome> {
  const name = `mtrl-fault-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const points = planSweep(BASE, 'fault', [parseGridAxis('pretrain.T=4')]);
  const io = capture();
  const opts = {
    url: ctx.url,
    queueName: name,
    points,
    base: BASE,
    outDir: join(ctx.dir, 'sw'),
    meta: runMeta(),
    progress: silentProgress,
    signal: new AbortController().signal,
    warn: (line: string) => process.stderr.write(`${line}\n`),
    wait: false,
  };
  const redis = await connectRedis(ctx.url);
  try {
    await runQueuedSweep(opts);
    const worker = new Worker<SweepJobData>(name, async (job) => answer(job), {
      connection: redis.duplicate(),
      autorun: true,
    });
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    await runQueuedSweep(opts);
    return { ...io };
  } finally {
    vi.restoreAllMocks();
    const queue = new Queue(name, { connection: redis });
    await queue.obliterate({ force: true });
    await queue.close();
    await forgetSweep(redis, name);
    await redis.quit();
  }
}

const gt = groundTruth(key(0), { d: 8, r: 2 });
const nanW = () => {
  const w = normal(key(1), [3, 8] as const);
  w.data[4] = Number.NaN;
  return w;
};

const TABLE: readonly FaultCase[] = [
  // --- 1. sizes bounded by an estimate, checked before anything is allocated
  ...(
    [
      ['d = 1000000000', { groundTruth: { d: 1e9 } }, /of memory for d = 1000000000/],
      ['T = 1000000000', { pretrain: { T: 1e9 } }, /of memory for .*T = 1000000000/],
      [
        'a mixture of k = 1000000000 centres',
        { inputs: { kind: 'mixture', k: 1e9 } },
        /input mixture centres \[1000000000, 2\]/,
      ],
      [
        'teacher tasks of width 1000000000',
        { family: { kind: 'teacher', width: 1e9 } },
        /4 pretraining tasks \(teacher\)/,
      ],
      ['nTest = 1000000000', { downstream: { nTest: 1e9 } }, /downstream samples/],
      [
        'rounds = 1000000000',
        { pretrain: { rounds: 1e9 } },
        /\(about [\d.]+ days at 50 GFLOP\/s\) of work for .*rounds = 1000000000/,
      ],
      ['seeds = 1000000000', { seeds: 1e9 }, /seeds = 1000000000/],
    ] as const
  ).map(
    ([what, patch, message]): FaultCase => ({
      area: 'budget',
      name: `run refuses ${what} with the estimate`,
      run: cli(({ dir }) => ['run', writeConfig(dir, patch), '--quiet']),
      code: 2,
      stderr: new RegExp(`needs about [\\d.]+ \\w+.*${message.source}.*pass --max-`),
      stdout: /^$/,
    }),
  ),
  {
    area: 'budget',
    name: 'the memory estimate names the free memory and --max-memory',
    run: cli(({ dir }) => ['run', writeConfig(dir, { groundTruth: { d: 1e9 } }), '--quiet']),
    code: 2,
    stderr: /free: [\d.]+ \w+; pass --max-memory <GiB> to change the limit/,
  },
  {
    area: 'budget',
    name: '--max-memory lowers the limit below a tiny study',
    run: cli(({ cfg }) => ['run', cfg, '--max-memory', '0.01', '--quiet']),
    code: 2,
    stderr: /limit \(--max-memory\): 10 MiB/,
  },
  {
    area: 'budget',
    name: '--max-work lowers the work limit',
    run: cli(({ cfg }) => ['run', cfg, '--max-work', '0.000001', '--quiet']),
    code: 2,
    stderr: /GFLOP .*limit \(--max-work\): 0\.000001 TFLOP; pass --max-work/,
  },
  {
    area: 'budget',
    name: '--max-memory must be a positive number',
    run: cli(({ cfg }) => ['run', cfg, '--max-memory', 'lots']),
    code: 1,
    stderr: /--max-memory must be a number > 0, got "lots"/,
  },
  {
    area: 'budget',
    name: 'reproduce --seeds 1000000000 is refused, not a heap out of memory',
    run: cli(({ dir }) => [
      'reproduce',
      '--size',
      'tiny',
      '--seeds',
      '1000000000',
      '--out',
      dir,
      '--quiet',
    ]),
    code: 2,
    stderr: /reproduce --size tiny needs about [\d.]+ PiB of memory .*seeds = 1000000000/,
  },
  {
    area: 'budget',
    name: 'reproduce --jobs 100000 counts its worker threads',
    run: cli(({ dir }) => [
      'reproduce',
      '--size',
      'tiny',
      '--jobs',
      '100000',
      '--max-memory',
      '1',
      '--out',
      dir,
      '--quiet',
    ]),
    code: 2,
    stderr: /25 worker threads/,
  },
  {
    area: 'budget',
    name: 'a sweep with one huge point runs none of its points',
    run: cli((ctx) => sweep(ctx, 'groundTruth.d=16,1000000000')),
    code: 2,
    stderr: /sweep .* needs about .* of memory for 2 point\(s\), the largest at d = 1000000000/,
    after: (ctx) => expect(existsSync(results(ctx))).toBe(false),
  },
  // --- 4. output paths checked before any computation
  {
    area: 'out',
    name: 'run --out DIR, where a file is expected',
    run: cli(
      ({ dir, cfg }) => ['run', cfg, '--out', join(dir, 'folder'), '--quiet'],
      ({ dir }) => mkdirSync(join(dir, 'folder')),
    ),
    code: 2,
    stderr: /--out .*folder is a folder, but a file is expected/,
    stdout: /^$/,
  },
  {
    area: 'out',
    name: 'run --out inside a file',
    run: cli(({ cfg }) => ['run', cfg, '--out', join(cfg, 'r.json'), '--quiet']),
    code: 2,
    stderr: /c\.json is a file, so no folder can be made inside it/,
    stdout: /^$/,
  },
  {
    area: 'out',
    name: 'run --out ending in a separator',
    run: cli(({ dir, cfg }) => ['run', cfg, '--out', `${join(dir, 'new')}/`, '--quiet']),
    code: 2,
    stderr: /is a folder, but a file is expected/,
  },
  {
    area: 'out',
    name: 'run --out in folders yet to be made writes the result',
    run: cli(({ dir, cfg }) => ['run', cfg, '--out', join(dir, 'a', 'b', 'r.json'), '--quiet']),
    code: 0,
    after: ({ dir }) =>
      expect(JSON.parse(readFileSync(join(dir, 'a', 'b', 'r.json'), 'utf8')).command).toBe('run'),
  },
  {
    area: 'out',
    name: 'sweep --out FILE, where a folder is expected',
    run: cli(({ cfg }) => ['sweep', cfg, '--grid', 'pretrain.T=4', '--out', cfg, '--quiet']),
    code: 2,
    stderr: /--out .*c\.json is a file, but a folder is expected/,
  },
  {
    area: 'out',
    name: 'reproduce --out FILE',
    run: cli(({ cfg }) => ['reproduce', '--size', 'tiny', '--out', cfg, '--quiet']),
    code: 2,
    stderr: /is a file, but a folder is expected/,
  },
  {
    area: 'out',
    name: 'reproduce into a folder whose results.json is a folder',
    run: cli(
      ({ dir }) => ['reproduce', '--size', 'tiny', '--out', dir, '--quiet'],
      ({ dir }) => mkdirSync(join(dir, 'results.json')),
    ),
    code: 2,
    stderr: /results\.json is a folder, but a file is written there/,
    after: ({ dir }) => expect(existsSync(join(dir, 'units.jsonl'))).toBe(false),
  },
  // --- 4. a journal this run did not write is never deleted
  {
    area: 'journal',
    name: 'a plain reproduce rerun sets malformed journal lines aside, keeping them',
    run: cli(
      ({ dir }) => ['reproduce', '--size', 'tiny', '--out', dir, '--quiet'],
      ({ dir }) => writeFileSync(join(dir, 'units.jsonl'), '{"id":"a"}\n{"id":"b"}\n'),
    ),
    code: 0,
    stderr: /set aside/,
    after: ({ dir }) =>
      expect(lines(join(dir, 'units.quarantine.jsonl')).map((l) => JSON.parse(l).text)).toEqual([
        '{"id":"a"}',
        '{"id":"b"}',
      ]),
  },
  ...(['plain', '--resume'] as const).map(
    (how): FaultCase => ({
      area: 'journal',
      name: `reproduce (${how}) refuses units of other software, naming it and --fresh, and keeps them`,
      run: cli(
        ({ dir }) => [
          'reproduce',
          '--size',
          'tiny',
          '--out',
          dir,
          ...(how === '--resume' ? ['--resume'] : []),
          '--quiet',
        ],
        ({ dir }) => writeFileSync(join(dir, 'units.jsonl'), otherSoftwareJournal()),
      ),
      code: 2,
      stderr:
        /holds units of another run \(.*built code \(absent\) there, [0-9a-f]{16} here.*\); pass --fresh/,
      after: ({ dir }) =>
        expect(readFileSync(join(dir, 'units.jsonl'), 'utf8')).toBe(otherSoftwareJournal()),
    }),
  ),
  // --- 5. grid paths: known config fields only, no repeats
  ...(
    [
      ['__proto__.polluted=1', /"__proto__" is not a config field \(at \(root\)\)/],
      ['groundTruth.__proto__.d=64', /"__proto__" is not a config field \(at groundTruth\)/],
      ['constructor.prototype.x=1', /"constructor" is not a config field/],
      ['pretrain.prototype=1', /"prototype" is not a config field \(at pretrain\)/],
      ['pretrain.Tx=1', /"Tx" is not a field of pretrain \(known: T, m, /],
      ['groundTruth.d.x=1', /groundTruth\.d is a value, it has no field "x"/],
      ['pretrain.T=1,4,1', /--grid pretrain\.T: the value 1 is given twice/],
      ['pretrain.T=1,', /--grid pretrain\.T: empty value/],
    ] as const
  ).map(
    ([grid, message]): FaultCase => ({
      area: 'grid',
      name: `--grid ${grid} is refused`,
      run: cli((ctx) => sweep(ctx, grid)),
      code: 2,
      stderr: message,
      after: (ctx) => {
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(existsSync(results(ctx))).toBe(false);
      },
    }),
  ),
  {
    area: 'grid',
    name: 'a repeated --grid axis is refused',
    run: cli((ctx) => sweep(ctx, 'pretrain.T=1', 'pretrain.T=2')),
    code: 2,
    stderr: /--grid pretrain\.T is given twice/,
  },
  {
    area: 'grid',
    name: 'an axis inside another axis is refused',
    run: cli((ctx) => sweep(ctx, 'pretrain={"T":1,"m":8,"n1":8,"n2":8,"eta":1}', 'pretrain.T=2')),
    code: 2,
    stderr: /--grid pretrain\.T is inside --grid pretrain/,
  },
  // --- 5. sweeps run every point; a folder is one sweep
  {
    area: 'sweep',
    name: 'a failing point is recorded as failed and the others run',
    run: cli((ctx) =>
      sweep(ctx, 'family={"kind":"xor","subset":[0,5]},{"kind":"halfspace"},{"kind":"xor"}'),
    ),
    code: 1,
    stdout: /2 of 3 point\(s\) recorded .*; 1 failed/,
    stderr:
      /1 of 3 point\(s\) failed; the others were recorded.*\n.*"subset":\[0,5\].*must be an integer in \[0, 1\], got 5/,
    after: (ctx) => {
      expect(lines(results(ctx))).toHaveLength(2);
      const [failed] = lines(join(ctx.dir, 'sw', 'failed.jsonl')).map((l) => JSON.parse(l));
      expect(failed.point).toEqual({ family: { kind: 'xor', subset: [0, 5] } });
      expect(failed.error).toMatch(/got 5/);
    },
  },
  {
    area: 'sweep',
    name: 'another base config into the same folder is refused, the difference named',
    run: cli(
      (ctx) => sweep(ctx, 'pretrain.T=4'),
      ({ dir }) => {
        mkdirSync(join(dir, 'sw'));
        const other = merge(BASE, { groundTruth: { d: 24 } });
        const doc = { format: 'mtrl-sweep', baseHash: baseConfigHash(other), base: other };
        writeFileSync(join(dir, 'sw', 'sweep.json'), JSON.stringify(doc));
      },
    ),
    code: 2,
    stderr: /holds a sweep of another base config \(groundTruth\.d 24 there, 16 here\)/,
  },
  {
    area: 'sweep',
    name: 'a malformed result in results.jsonl is set aside, not fatal (the summary-only record of the issue)',
    run: cli(
      (ctx) => sweep(ctx, 'pretrain.T=4'),
      ({ dir }) => {
        const [p] = planSweep(BASE, 'fault', [parseGridAxis('pretrain.T=4')]);
        mkdirSync(join(dir, 'sw'));
        const rec = { ...p, result: { summary: [{ method: 'multiTask' }] } };
        writeFileSync(join(dir, 'sw', 'results.jsonl'), `${JSON.stringify(rec)}\n`);
      },
    ),
    code: 0,
    stdout: /1 of 1 point\(s\) recorded/,
    stderr:
      /set aside 1 bad record\(s\) of .*results\.jsonl into .*results\.quarantine\.jsonl .*line 1: result\./,
    after: (ctx) => {
      expect(lines(results(ctx))).toHaveLength(1);
      expect(lines(join(ctx.dir, 'sw', 'results.quarantine.jsonl'))).toHaveLength(1);
      expect(readFileSync(join(ctx.dir, 'sw', 'summary.csv'), 'utf8')).toMatch(/multiTask/);
    },
  },
  {
    area: 'sweep',
    name: 'a line that is not JSON is set aside, the good lines kept',
    run: cli(
      (ctx) => sweep(ctx, 'pretrain.T=4'),
      ({ dir }) => {
        mkdirSync(join(dir, 'sw'));
        writeFileSync(join(dir, 'sw', 'results.jsonl'), 'not json\n{"torn": ');
      },
    ),
    code: 0,
    stderr: /set aside 2 bad record\(s\) .*line 1: not valid JSON.*line 2: not valid JSON/,
    after: (ctx) => expect(lines(results(ctx))).toHaveLength(1),
  },
  {
    area: 'sweep',
    name: 'results of other software in the folder are refused, the part named',
    run: async (ctx) => {
      const rec = (await realRecord()) as { result: { meta: { software: { code: string } } } };
      rec.result.meta.software.code = '0'.repeat(64);
      (rec.result.meta.software as unknown as { fingerprint: string }).fingerprint = '0'.repeat(64);
      mkdirSync(join(ctx.dir, 'sw'));
      writeFileSync(results(ctx), `${JSON.stringify(rec)}\n`);
      return cli((c) => sweep(c, 'pretrain.T=4,8'))(ctx);
    },
    code: 2,
    stderr:
      /holds 1 point\(s\) computed by other software \(built code 000000000000 there, [0-9a-f]{12} here\)/,
  },
  {
    area: 'sweep',
    name: 'a malformed sweep.json is set aside with a warning',
    run: cli(
      (ctx) => sweep(ctx, 'pretrain.T=4'),
      ({ dir }) => {
        mkdirSync(join(dir, 'sw'));
        writeFileSync(join(dir, 'sw', 'sweep.json'), '{ nope');
      },
    ),
    code: 0,
    stderr: /set aside .*sweep\.json, which is malformed/,
    after: ({ dir }) =>
      expect(readdirSync(join(dir, 'sw')).some((f) => /^sweep\.json\..*\.bad$/.test(f))).toBe(true),
  },
  // --- 6. saved networks and probes
  {
    area: 'network',
    name: 'saveNetwork / loadNetwork round-trip NaN, the infinities and -0',
    run: call(() => {
      const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
      const w = fromArray([special], { dtype: 'float32' });
      const back = loadNetwork(
        JSON.stringify(saveNetwork({ layer: { w, b: fromArray([-0], { dtype: 'float32' }) } })),
      );
      const row = (toArray(back.layer.w) as number[][])[0];
      if (!row.every((v, i) => Object.is(v, special[i]))) throw new Error(`got ${row}`);
    }),
  },
  ...(
    [
      [
        'a missing shape.tasks',
        (d: Record<string, unknown>) => ({ ...d, shape: { m: 2, d: 2 } }),
        /shape\.tasks must be an integer >= 0, got nothing/,
      ],
      [
        'seed "abc"',
        (d: Record<string, unknown>) => ({ ...d, seed: 'abc' }),
        /seed must be a safe integer, got "abc"/,
      ],
      [
        'an Infinity in the JSON (1e999)',
        (d: Record<string, unknown>) => JSON.stringify(d).replace(/"b":\[[^,\]]+/, '"b":[1e999'),
        /params\.b\[0\] must be a finite number.*got Infinity/,
      ],
      [
        'shape.m Infinity',
        (d: Record<string, unknown>) => ({
          ...d,
          shape: { m: Number.POSITIVE_INFINITY, d: 2, tasks: 1 },
        }),
        /shape\.m must be an integer >= 1, got Infinity/,
      ],
    ] as const
  ).map(
    ([what, spoil, message]): FaultCase => ({
      area: 'network',
      name: `loadNetwork refuses ${what}, naming the field`,
      run: call(() => {
        const layer = { w: normal(key(1), [2, 2] as const), b: zeros([2] as const) };
        const doc = saveNetwork({ layer, heads: normal(key(2), [1, 2] as const), seed: 1 });
        return loadNetwork(spoil(doc as unknown as Record<string, unknown>));
      }),
      error: message,
    }),
  ),
  ...(
    [
      [
        'subspaceEnergy',
        () => subspaceEnergy(nanW(), gt),
        /^subspaceEnergy: w must have finite entries, got NaN at \[0, 4\]/,
      ],
      ['coverage', () => coverage(nanW(), gt), /^coverage: w must have finite entries, got NaN/],
      [
        'featureMap',
        () =>
          featureMap(key(2), { w: nanW(), b: zeros([3] as const) })(
            normal(key(3), [2, 8] as const),
          ),
        /^featureMap: layer\.w must have finite entries/,
      ],
    ] as const
  ).map(
    ([fn, run, message]): FaultCase => ({
      area: 'probes',
      name: `${fn} refuses a NaN layer`,
      run: call(run),
      error: message,
    }),
  ),
  // --- 2, 3, 6. the queue: validated jobs, trusted results, bad keys set aside
  {
    area: 'queue',
    redis: true,
    name: 'a Redis URL with database 99 is refused, not silently database 0',
    run: call(({ url }) => connectRedis(url.replace(/\/5$/, '/99'))),
    error: /refuses database 99: ERR DB index is out of range/,
  },
  {
    area: 'queue',
    name: 'a worker refuses a job of other software (a build from changed code, same versions)',
    run: call(() => {
      const job = jobOf();
      const software = { ...job.data.software, code: '1'.repeat(64), fingerprint: 'f'.repeat(64) };
      return processSweepJob({ id: job.id, data: { ...job.data, software } });
    }),
    error:
      /refused point .*: this worker runs other software than the coordinator: built code 111111111111 on the coordinator/,
  },
  {
    area: 'queue',
    name: 'a worker validates the job config as the CLI does',
    run: call(() => {
      const job = jobOf();
      const config = {
        ...job.data.config,
        groundTruth: { ...job.data.config.groundTruth, d: -16 },
      };
      return processSweepJob({ id: job.id, data: { ...job.data, config } });
    }),
    error: /refused point .*groundTruth\.d: Too small/,
  },
  {
    area: 'queue',
    name: 'a worker refuses a job too large for its memory',
    run: call(() => {
      const job = jobOf();
      const config = {
        ...job.data.config,
        groundTruth: { ...job.data.config.groundTruth, d: 1e9 },
      };
      return processSweepJob({ id: job.id, data: { ...job.data, config } });
    }),
    error: /refused point .*the point needs about .* of memory for d = 1000000000/,
  },
  {
    area: 'queue',
    name: 'a worker refuses a job labelled d = 64 whose config runs d = 16',
    run: call(() => {
      const job = jobOf();
      const point = { 'groundTruth.d': 64 };
      return processSweepJob({
        id: job.id,
        data: { ...job.data, point, id: '[["groundTruth.d",64]]' },
      });
    }),
    error:
      /the config does not hold the point's values: groundTruth\.d = 64 in the point, 16 in the config/,
  },
  {
    area: 'queue',
    name: 'a worker refuses malformed job data, naming the fields',
    run: call(() => processSweepJob({ id: 'j', data: { point: 1 } as unknown as SweepJobData })),
    error: /malformed job data: .*sweep: .*point: /,
  },
  {
    area: 'queue',
    redis: true,
    name: 'a forged result (accuracy 1.0, only a summary) is set aside, not recorded',
    run: (ctx) =>
      forgedAnswer(ctx, () => ({
        summary: [{ method: 'multiTask', downstream: { halfspace: { mean: 1, stderr: 0 } } }],
      })),
    stderr:
      /set aside the result of job p-[0-9a-f]+ for \{"pretrain\.T":4\}.* into .*results\.quarantine\.jsonl: .*the point runs again/,
    after: (ctx) => {
      expect(readSweepRecords(join(ctx.dir, 'sw'))).toEqual([]);
      const [q] = lines(join(ctx.dir, 'sw', 'results.quarantine.jsonl')).map((l) => JSON.parse(l));
      expect(q.returnvalue.summary[0].downstream.halfspace.mean).toBe(1);
    },
  },
  {
    area: 'queue',
    redis: true,
    name: 'a result whose summary is not the mean of its runs is set aside',
    run: async (ctx) => {
      const { result } = (await realRecord()) as {
        result: { summary: { downstream: Record<string, { mean: number }> }[] };
      };
      result.summary[0].downstream.halfspace.mean = 1;
      return forgedAnswer(ctx, (job) => ({ ...result, job: job.id }));
    },
    stderr:
      /set aside the result of job .*summary: not the mean and standard error of result\.runs/,
    after: (ctx) => expect(readSweepRecords(join(ctx.dir, 'sw'))).toEqual([]),
  },
  {
    area: 'queue',
    redis: true,
    name: 'a sound result of another job is set aside',
    run: async (ctx) => {
      const { result } = await realRecord();
      return forgedAnswer(ctx, () => ({ ...(result as object), job: 'p-other' }));
    },
    stderr: /result\.job: "p-other", expected the job "p-[0-9a-f]+" it came from/,
  },
  {
    area: 'queue',
    redis: true,
    name: 'a sound result of other software is set aside',
    run: async (ctx) => {
      const { result } = (await realRecord()) as {
        result: { meta: { software: { fingerprint: string } } };
      };
      result.meta.software.fingerprint = 'e'.repeat(64);
      return forgedAnswer(ctx, (job) => ({ ...result, job: job.id }));
    },
    stderr: /result\.meta\.software\.fingerprint: eeeeeeeeeeee, the sweep's is [0-9a-f]{12}/,
  },
  {
    area: 'queue',
    redis: true,
    name: 'the job a worker answers is recorded (the sound path of the rows above)',
    run: (ctx) => forgedAnswer(ctx, (job) => processSweepJob({ id: job.id, data: job.data })),
    after: (ctx) =>
      expect(readSweepRecords(join(ctx.dir, 'sw')).map((r) => r.point)).toEqual([
        { 'pretrain.T': 4 },
      ]),
  },
  {
    area: 'queue',
    redis: true,
    name: 'a malformed sweep key is set aside and the worker keeps serving',
    run: call(async ({ url }) => {
      const redis = await connectRedis(url);
      const name = `mtrl-fault-bad-${process.pid}`;
      await redis.hset(`mtrl-bench:sweep:${name}`, { fingerprint: 'x', packages: '{not json' });
      await redis.zadd('mtrl-bench:sweeps', Date.now(), name);
      const log: string[] = [];
      const outcome = await runWorker({
        url,
        concurrency: 1,
        meta: runMeta(),
        log: (l) => log.push(l),
        signal: new AbortController().signal,
        exitAfterIdleMs: 300,
        pollMs: 100,
      });
      const left = await redis.zrange('mtrl-bench:sweeps', 0, -1);
      const aside = await redis.keys(`mtrl-bench:quarantine:mtrl-bench:sweep:${name}:*`);
      for (const k of aside) await redis.del(k);
      await redis.quit();
      expect(outcome).toEqual({ completed: 0, failed: 0 });
      expect(left).not.toContain(name);
      expect(aside.filter((k) => !k.endsWith(':reason'))).toHaveLength(1);
      expect(log.join('\n')).toMatch(
        new RegExp(
          `set aside the malformed Redis key mtrl-bench:sweep:${name} as mtrl-bench:quarantine:.*fingerprint: expected 64 hex digits.*packages: not valid JSON`,
        ),
      );
    }),
  },
  {
    area: 'queue',
    redis: true,
    name: 'a sweep registry of the wrong type is set aside and the worker keeps serving',
    run: call(async ({ url }) => {
      const redis = await connectRedis(url);
      const saved = await redis.zrange('mtrl-bench:sweeps', 0, -1, 'WITHSCORES');
      await redis.del('mtrl-bench:sweeps');
      await redis.set('mtrl-bench:sweeps', 'oops');
      const log: string[] = [];
      try {
        await runWorker({
          url,
          concurrency: 1,
          meta: runMeta(),
          log: (l) => log.push(l),
          signal: new AbortController().signal,
          exitAfterIdleMs: 300,
          pollMs: 100,
        });
        expect(log.join('\n')).toMatch(
          /set aside the malformed Redis key mtrl-bench:sweeps .*a string, not a sorted set/,
        );
      } finally {
        for (const k of await redis.keys('mtrl-bench:quarantine:mtrl-bench:sweeps:*'))
          await redis.del(k);
        for (let i = 0; i < saved.length; i += 2)
          await redis.zadd('mtrl-bench:sweeps', saved[i + 1], saved[i]);
        await redis.quit();
      }
    }),
  },
  {
    area: 'queue',
    redis: true,
    name: 'a worker of other software refuses the sweep and leaves its jobs',
    run: call(async (ctx) => {
      const name = `mtrl-fault-sw-${process.pid}`;
      const points = planSweep(BASE, 'fault', [parseGridAxis('pretrain.T=4')]);
      const signal = new AbortController().signal;
      const mine = runMeta();
      await runQueuedSweep({
        url: ctx.url,
        queueName: name,
        points,
        outDir: join(ctx.dir, 'sw'),
        meta: mine,
        progress: silentProgress,
        signal,
        wait: false,
      });
      const other = {
        ...mine,
        software: { ...mine.software, code: '2'.repeat(64), fingerprint: 'd'.repeat(64) },
      };
      const redis = await connectRedis(ctx.url);
      try {
        await runWorker({
          url: ctx.url,
          queueName: name,
          concurrency: 1,
          meta: other,
          log: () => {},
          signal,
        });
      } finally {
        const queue = new Queue(name, { connection: redis });
        expect(await queue.getJobCounts('wait')).toEqual({ wait: 1 });
        expect(await queue.getJobState(jobIdOf(points[0].id))).toBe('waiting');
        await queue.obliterate({ force: true });
        await queue.close();
        await forgetSweep(redis, name);
        await redis.quit();
      }
    }),
    error:
      /refusing the sweep on queue mtrl-fault-sw-\d+: this worker runs other software than its coordinator \(built code [0-9a-f]{12} on the coordinator, 222222222222 here\)/,
  },
];

/** The number of rows; a change to the table changes it here too, so the count is deliberate. */
const EXPECTED_CASES = 62;

describe(`faults: ${TABLE.length} bad inputs and faults, each with its expected outcome`, () => {
  it(`the table holds ${EXPECTED_CASES} cases`, () => {
    expect(TABLE.length).toBe(EXPECTED_CASES);
    expect(new Set(TABLE.map((c) => c.name)).size).toBe(TABLE.length);
  });

  it.each(TABLE.map((c, i) => ({ ...c, title: `${i + 1}/${TABLE.length} ${c.area}: ${c.name}` })))(
    '$title',
    async (c) => {
      if (c.redis && REDIS === undefined) {
        // Without Redis (MTRL_SKIP_REDIS=1) these rows cannot run; the queue tests say so.
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'mtrl-fault-'));
      const ctx: Ctx = { dir, cfg: writeConfig(dir), url: redisUrl() };
      const out = await c.run(ctx);
      const shown = `stdout: ${out.stdout}\nstderr: ${out.stderr}\nerror: ${out.error}`;
      if (c.code !== undefined) expect(out.code, shown).toBe(c.code);
      if (c.error !== undefined) expect(out.error, shown).toMatch(c.error);
      else expect(out.error, shown).toBeUndefined();
      if (c.stderr !== undefined) expect(out.stderr, shown).toMatch(c.stderr);
      if (c.stdout !== undefined) expect(out.stdout, shown).toMatch(c.stdout);
      await c.after?.(ctx, out);
    },
  );
});
