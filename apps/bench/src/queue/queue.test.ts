import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackend, setBackend } from '@mtrl/tensors';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { capture } from '../../test/capture.js';
import { main } from '../cli.js';
import { readConfigFile } from '../config.js';
import { runMeta } from '../meta.js';
import { parseGridAxis } from '../overrides.js';
import { silentProgress } from '../progress.js';
import { planSweep, readSweepRecords } from '../sweep.js';
import { connectRedis } from './connectRedis.js';
import { runQueuedSweep } from './coordinator.js';
import processSweepJob from './processor.js';
import { JOB_ATTEMPTS, type SweepJobData } from './sweepIdentity.js';
import { forgetSweep, readSweepMeta, registeredSweeps } from './sweepRegistry.js';
import { runWorker } from './worker.js';

// From test/redisSetup.ts: MTRL_TEST_REDIS_URL, or a throwaway redis-server it started.
const REDIS = inject('redisUrl') || undefined;
const SKIP_REDIS = process.env.MTRL_SKIP_REDIS === '1';
const benchDir = join(import.meta.dirname, '..', '..');
const bin = join(benchDir, 'dist', 'bin.js');
const tiny = join(benchDir, 'configs', 'tiny.yaml');
const grid = ['--grid', 'pretrain.T=1,2,4,8', '--grid', 'seeds=1'];

afterEach(() => vi.restoreAllMocks());

/** `mtrl-bench` in a child process (the built dist, as a user runs it), with its log lines. */
interface BenchProcess {
  readonly proc: ChildProcess;
  readonly lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(): Promise<number | null>;
}

const children: ChildProcess[] = [];

/**
 * The environment of the child processes. The built CLI turns on relaxed SIMD on Node 20 and this
 * test process (which runs coordinators through main()) may not have it: the children then keep
 * the plain SIMD kernel too, since a sweep refuses workers of another GEMM kernel.
 */
function childEnv(): NodeJS.ProcessEnv {
  setBackend('auto');
  return describeBackend().gemmKernel === 'simd128'
    ? { ...process.env, MTRL_NO_RELAXED_SIMD: '1' }
    : process.env;
}

function spawnBench(args: string[]): BenchProcess {
  const proc = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
  });
  children.push(proc);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk
      .toString()
      .split('\n')
      .filter((l) => l !== '')) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    lines,
    waitFor(pattern, timeoutMs = 120_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    exited: () => exit,
  };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The workers run the built CLI; a dist older than the sources would test stale code. */
function assertFreshBuild() {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory()
          ? newest(join(dir, e.name))
          : e.name.endsWith('.test.ts')
            ? 0
            : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  let built = 0;
  try {
    built = statSync(bin).mtimeMs;
  } catch {
    // Reported below.
  }
  if (built < newest(join(benchDir, 'src')))
    throw new Error(
      `${bin} is missing or older than src/: run \`pnpm build\` in apps/bench first (turbo's test task does)`,
    );
}

/** Results without what legitimately differs between runs: timings, the machine, the job id. */
function comparable(dir: string) {
  return readSweepRecords<{
    runs: { seconds: number }[];
    meta: { packages: unknown; software: unknown };
    job?: string;
  }>(dir)
    .map(({ result: { job: _job, ...result }, ...r }) => ({
      ...r,
      result: {
        ...result,
        runs: result.runs.map((x) => ({ ...x, seconds: 0 })),
        meta: [result.meta.packages, result.meta.software],
      },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Enqueues the one-point sweep `pretrain.T=1` of the tiny config on queue `name` without waiting
 * for it: the sweep's arguments (without `--queue-name`), its output directory, and the queue
 * with its one waiting job, for a test to tamper with.
 */
async function enqueueOnePoint(url: string, name: string) {
  const out = mkdtempSync(join(tmpdir(), 'mtrl-q-one-'));
  const args = ['sweep', tiny, '--grid', 'pretrain.T=1', '--out', out, '--queue', url];
  expect(await main([...args, '--queue-name', name, '--no-wait', '--quiet'])).toBe(0);
  const redis = await connectRedis(url);
  const queue = new Queue<SweepJobData>(name, { connection: redis });
  const [job] = await queue.getJobs(['wait']);
  return { out, args, redis, queue, job };
}

async function dropQueue(url: string, name: string) {
  const redis = await connectRedis(url);
  const queue = new Queue(name, { connection: redis });
  await queue.obliterate({ force: true });
  await queue.close();
  await forgetSweep(redis, name);
  await redis.quit();
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('queued sweeps: refused input without Redis', () => {
  it('fails within seconds naming the URL when nothing listens there', async () => {
    const port = await freePort();
    const io = capture();
    const out = mkdtempSync(join(tmpdir(), 'mtrl-q-'));
    const args = ['sweep', tiny, ...grid, '--out', out];
    expect(await main([...args, '--queue', `redis://127.0.0.1:${port}/2`, '--quiet'])).toBe(1);
    // Refused before any point ran: nothing was recorded.
    expect(readdirSync(out).filter((f) => f.startsWith('results'))).toEqual([]);
    expect(io.err()).toMatch(
      new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/2: .*ECONNREFUSED`),
    );
  });

  it('gives up after 5 s when the server accepts but never answers', async () => {
    const silent: Server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const { port } = silent.address() as { port: number };
    const io = capture();
    expect(await main(['worker', '--queue', `redis://127.0.0.1:${port}`, '--quiet'])).toBe(1);
    expect(io.err()).toMatch(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: no answer within 5 s/,
    );
    silent.close();
  }, 240_000);

  it('refuses bad URLs, bad queue names and queue options without --queue', async () => {
    const io = capture();
    expect(await main(['worker', '--queue', 'http://host:6379'])).toBe(1);
    expect(io.err()).toMatch(/expected redis:\/\/HOST:PORT\[\/DB\].*"http:"/);
    expect(await main(['worker', '--queue', 'redis://h:1/x'])).toBe(1);
    expect(io.err()).toMatch(/the database must be a number, got "x"/);
    expect(await main(['worker', '--queue', 'redis://h:1', '--queue-name', 'a:b'])).toBe(1);
    expect(io.err()).toMatch(/--queue-name must be 1 to 100 letters/);
    expect(await main(['sweep', tiny, ...grid, '--queue-name', 'x', '--no-wait'])).toBe(2);
    expect(io.err()).toMatch(/--queue-name, --no-wait only make\(s\) sense with --queue/);
  });

  it('a worker refuses a job of a coordinator with other package versions without running it', async () => {
    const [p] = planSweep(readConfigFile(tiny), tiny, [parseGridAxis('pretrain.T=1')]);
    const packages = { '@mtrl/bench': '0.1.0', '@mtrl/tensors': '0.0.0-other' };
    const job = {
      id: 'j1',
      data: {
        sweep: 'f'.repeat(64),
        id: p.id,
        point: p.point,
        config: p.config,
        packages,
        software: runMeta().software,
      },
    };
    const err = await processSweepJob(job).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('UnrecoverableError');
    expect((err as Error).message).toMatch(
      /other package versions than the coordinator: .*@mtrl\/tensors 0\.0\.0-other on the coordinator, \d+\.\d+\.\d+\S* here/,
    );
  });
});

if (REDIS === undefined && !SKIP_REDIS)
  describe('queued sweeps on Redis', () => {
    it('needs a Redis server', () => {
      throw new Error(
        `the queued-sweep tests need Redis: ${inject('redisMissing')}. Install redis-server, set MTRL_TEST_REDIS_URL, or set MTRL_SKIP_REDIS=1 to skip them`,
      );
    });
  });

describe.skipIf(REDIS === undefined)(
  `queued sweeps on Redis${REDIS === undefined ? ` (SKIPPED by MTRL_SKIP_REDIS=1: ${inject('redisMissing')})` : ''}`,
  () => {
    const url = REDIS ?? '';
    beforeAll(assertFreshBuild);

    it('runs on two worker processes, survives a killed worker and a crashed coordinator, and records what a local sweep records', async () => {
      const local = mkdtempSync(join(tmpdir(), 'mtrl-q-local-'));
      const queued = mkdtempSync(join(tmpdir(), 'mtrl-q-queued-'));
      // The local sweep runs the same built code as the workers.
      expect(await spawnBench(['sweep', tiny, ...grid, '--out', local, '--quiet']).exited()).toBe(
        0,
      );
      const io = capture();
      // A coordinator that recorded one point and crashed mid-write, then one killed after it
      // enqueued the rest.
      const first = readFileSync(join(local, 'results.jsonl'), 'utf8').split('\n')[0];
      writeFileSync(join(queued, 'results.jsonl'), `${first}\n{"torn": `);
      const sweepArgs = ['sweep', tiny, ...grid, '--out', queued, '--queue', url];
      const crashed = spawnBench([...sweepArgs, '--clear-queue', '--stalled-interval', '1000']);
      await crashed.waitFor(/4 point\(s\), 1 already recorded, 0 already queued, 3 enqueued/);
      crashed.proc.kill('SIGKILL');
      await crashed.exited();

      const workerArgs = ['worker', '--queue', url, '--concurrency', '1'];
      const fast = ['--lock-duration', '2000', '--stalled-interval', '1000'];
      const workers = [spawnBench([...workerArgs, ...fast]), spawnBench([...workerArgs, ...fast])];
      const firstStart = await Promise.race(
        workers.map((w, i) => w.waitFor(/started \{/).then(() => i)),
      );
      const victim = workers[firstStart];
      const survivor = workers[1 - firstStart];
      victim.proc.kill('SIGKILL');
      await victim.exited();
      await survivor.waitFor(/finished \{/);

      const code = await main([...sweepArgs, '--stalled-interval', '1000', '--quiet']);
      expect(code, io.err()).toBe(0);
      expect(io.out()).toMatch(/4 point\(s\) recorded .*[1-9]\d* recovered after a worker stopped/);
      // The killed worker's point ran again on the survivor.
      await survivor.waitFor(/started .*, run 2\)/, 1000);

      const lines = readFileSync(join(queued, 'results.jsonl'), 'utf8').split('\n');
      const ids = lines.filter((l) => l.startsWith('{"id"')).map((l) => JSON.parse(l).id);
      expect(new Set(ids).size).toBe(4);
      expect(ids).toHaveLength(4);
      expect(comparable(queued)).toEqual(comparable(local));
      expect(readFileSync(join(queued, 'summary.csv'), 'utf8')).toBe(
        readFileSync(join(local, 'summary.csv'), 'utf8'),
      );

      const redis = await connectRedis(url);
      expect(await registeredSweeps(redis)).toEqual([]);
      await redis.quit();
      survivor.proc.kill('SIGTERM');
      expect(await survivor.exited()).toBe(0);
      expect(survivor.lines.join('\n')).toMatch(/\d point\(s\) finished/);
    }, 300_000);

    it('refuses a queue that holds the jobs of another sweep', async () => {
      const name = `mtrl-test-other-${process.pid}`;
      const out = mkdtempSync(join(tmpdir(), 'mtrl-q-other-'));
      const io = capture();
      const args = (t: string) => [
        'sweep',
        tiny,
        '--grid',
        `pretrain.T=${t}`,
        '--out',
        out,
        '--queue',
        url,
        '--queue-name',
        name,
        '--no-wait',
        '--quiet',
      ];
      try {
        expect(await main(args('1'))).toBe(0);
        expect(io.out()).toMatch(/1 point\(s\) enqueued/);
        expect(await main(args('2'))).toBe(1);
        expect(io.err()).toMatch(
          new RegExp(`queue ${name} holds jobs of another sweep .*--clear-queue`),
        );
        expect(await main([...args('2'), '--clear-queue'])).toBe(0);
      } finally {
        await dropQueue(url, name);
      }
    });

    it('fails a job whose versions differ from the worker without running it, and reports it', async () => {
      const name = `mtrl-test-failed-${process.pid}`;
      const io = capture();
      try {
        const { args, redis, queue, job } = await enqueueOnePoint(url, name);
        // The sweep's record matches the worker, but the job claims other versions.
        await job.updateData({
          ...job.data,
          packages: { ...job.data.packages, '@mtrl/tensors': '0.0.0-other' },
        });
        await queue.close();
        await redis.quit();
        const worker = spawnBench(['worker', '--queue', url, '--queue-name', name]);
        expect(await main([...args, '--queue-name', name, '--quiet'])).toBe(1);
        expect(io.err()).toMatch(
          /1 point\(s\) failed; rerun the command to retry them:\n.*"pretrain\.T":1.*refused point .*other package versions than the coordinator: @mtrl\/tensors 0\.0\.0-other on the coordinator/,
        );
        await worker.waitFor(/failed \{"pretrain\.T":1\}.* in \d+\.\d s: refused point/);
        expect(worker.lines.join('\n')).not.toMatch(/finished \{/);
        worker.proc.kill('SIGTERM');
        expect(await worker.exited()).toBe(0);
      } finally {
        await dropQueue(url, name);
      }
    }, 240_000);

    it('retries a point that throws, reports it failed after every attempt, and runs it again on the next command', async () => {
      const name = `mtrl-test-throws-${process.pid}`;
      const io = capture();
      try {
        const { out, args, redis, queue, job } = await enqueueOnePoint(url, name);
        // The job's config now asks for a task on coordinate 5 of r = 2: it passes validation,
        // and the study throws on the worker.
        const good = job.data;
        await job.updateData({
          ...good,
          config: { ...good.config, family: { kind: 'xor', subset: [0, 5] } },
        });
        const worker = spawnBench(['worker', '--queue', url, '--queue-name', name]);
        expect(await main([...args, '--queue-name', name, '--quiet'])).toBe(1);
        // JOB_ATTEMPTS attempts, then one report naming the point and the error.
        expect(io.err()).toMatch(
          /1 point\(s\) failed; rerun the command to retry them:\n.*"pretrain\.T":1.*family\.subset\[1\] must be an integer in \[0, 1\], got 5/,
        );
        await worker.waitFor(new RegExp(`started \\{"pretrain\\.T":1\\}.*run ${JOB_ATTEMPTS}\\)`));
        // One failure line per attempt; the last may still be in the pipe.
        await vi.waitFor(() =>
          expect(
            worker.lines.filter((l) =>
              /failed \{"pretrain\.T":1\}.*: .*family\.subset\[1\] must be/.test(l),
            ),
          ).toHaveLength(JOB_ATTEMPTS),
        );
        expect(readSweepRecords(out)).toEqual([]);
        // Mend the job: the next command sends the failed point back and records it.
        const [failed] = await queue.getJobs(['failed']);
        expect(failed.attemptsMade).toBe(JOB_ATTEMPTS);
        await failed.updateData(good);
        await queue.close();
        await redis.quit();
        expect(await main([...args, '--queue-name', name])).toBe(0);
        expect(io.out() + io.err()).toMatch(
          /retrying \{"pretrain\.T":1\}, failed in an earlier run/,
        );
        expect(readSweepRecords(out).map((r) => r.point)).toEqual([{ 'pretrain.T': 1 }]);
        worker.proc.kill('SIGTERM');
        expect(await worker.exited()).toBe(0);
      } finally {
        await dropQueue(url, name);
      }
    }, 300_000);

    it('a worker refuses a sweep whose coordinator runs other package versions, leaving its jobs', async () => {
      const name = `mtrl-test-versions-${process.pid}`;
      const points = planSweep(readConfigFile(tiny), tiny, [parseGridAxis('pretrain.T=1')]);
      const mine = runMeta();
      const other = { ...mine, packages: { ...mine.packages, '@mtrl/tensors': '0.0.0-other' } };
      const signal = new AbortController().signal;
      try {
        await runQueuedSweep({
          url,
          queueName: name,
          points,
          outDir: mkdtempSync(join(tmpdir(), 'mtrl-q-versions-')),
          meta: other,
          progress: silentProgress,
          signal,
          wait: false,
        });
        const lines: string[] = [];
        const opts = { url, concurrency: 1, meta: mine, signal, log: (l: string) => lines.push(l) };
        await expect(runWorker({ ...opts, queueName: name })).rejects.toThrow(
          /refusing the sweep on queue .*: this worker runs other package versions than its coordinator \(@mtrl\/tensors 0\.0\.0-other on the coordinator, \S+ here\)/,
        );
        // Following every sweep, it logs the refusal and moves on.
        expect(await runWorker({ ...opts, exitAfterIdleMs: 1500 })).toEqual({
          completed: 0,
          failed: 0,
        });
        expect(lines.join('\n')).toMatch(/refusing the sweep on queue mtrl-test-versions-/);
        const redis = await connectRedis(url);
        const queue = new Queue(name, { connection: redis });
        expect(await queue.getJobCounts('wait', 'active', 'completed', 'failed')).toEqual({
          wait: 1,
          active: 0,
          completed: 0,
          failed: 0,
        });
        expect((await readSweepMeta(redis, name))?.packages['@mtrl/tensors']).toBe('0.0.0-other');
        await queue.close();
        await redis.quit();
      } finally {
        await dropQueue(url, name);
      }
    });
  },
);
