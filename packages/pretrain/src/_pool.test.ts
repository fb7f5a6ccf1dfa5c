import { Worker as NodeWorker } from 'node:worker_threads';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split } from '@mtrl/tensors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerPool, liveWorkers, sourceWorkerBoot } from './_pool.js';
import { type PretrainResult, pretrain, pretrainAsync, suiteSource } from './index.js';

// A Web Worker look-alike over worker_threads: exercises the browser adapter of the pool in
// Node (the URL is that of the built `worker.js`; here the worker runs from its source).
class ShimWorker extends EventTarget {
  static created: ShimWorker[] = [];
  readonly url: string;
  readonly type: unknown;
  terminated = false;
  private readonly inner: Promise<NodeWorker>;
  constructor(url: URL | string, opts: { type?: string }) {
    super();
    this.url = String(url);
    this.type = opts?.type;
    ShimWorker.created.push(this);
    this.inner = sourceWorkerBoot().then((boot) => {
      const w = new NodeWorker(boot.code, { eval: true, execArgv: boot.execArgv });
      w.on('message', (data) => this.dispatchEvent(new MessageEvent('message', { data })));
      w.on('error', (e) =>
        this.dispatchEvent(Object.assign(new Event('error'), { message: e.message })),
      );
      return w;
    });
  }
  postMessage(m: unknown, transfer: ArrayBuffer[]) {
    void this.inner.then((w) => w.postMessage(m, transfer));
  }
  terminate() {
    this.terminated = true;
    void this.inner.then((w) => w.terminate());
  }
}

// A module worker whose script does not load (a 404): an error event with no message.
class MissingWorker extends EventTarget {
  terminated = false;
  constructor(readonly url: URL | string) {
    super();
    setTimeout(() => this.dispatchEvent(new Event('error')), 10);
  }
  postMessage() {}
  terminate() {
    this.terminated = true;
  }
}

describe('worker pool, browser adapter', () => {
  const g = globalThis as { Worker?: unknown };
  beforeEach(() => {
    ShimWorker.created = [];
  });
  afterEach(() => {
    delete g.Worker;
  });

  it('spawns module workers from worker.js, relays messages and errors, and terminates', async () => {
    g.Worker = ShimWorker;
    const messages: unknown[] = [];
    const pool = await createWorkerPool(
      2,
      (i, m) => messages.push([i, m]),
      () => {},
      'browser',
    );
    expect(ShimWorker.created.map((w) => [w.url.endsWith('/worker.js'), w.type])).toEqual([
      [true, 'module'],
      [true, 'module'],
    ]);
    expect(liveWorkers()).toBe(2);
    // A message before 'init' is an error inside the worker, reported back as a message.
    pool.post(1, { type: 'release' });
    await expect.poll(() => messages.length, { timeout: 60_000 }).toBe(1);
    expect(messages[0]).toEqual([
      1,
      { type: 'error', name: 'Error', message: 'pretrain worker: message before init' },
    ]);
    await pool.close();
    expect(ShimWorker.created.every((w) => w.terminated)).toBe(true);
    expect(liveWorkers()).toBe(0);
  });

  it('fails clearly where there are no Web Workers', async () => {
    await expect(
      createWorkerPool(
        1,
        () => {},
        () => {},
        'browser',
      ),
    ).rejects.toThrow(/no Web Workers|has none/);
    expect(liveWorkers()).toBe(0);
  });

  it('starts module workers from options.workerUrl instead', async () => {
    g.Worker = ShimWorker;
    const pool = await createWorkerPool(
      2,
      () => {},
      () => {},
      'browser',
      { workerUrl: 'https://example.test/assets/pretrain-worker.js' },
    );
    expect(ShimWorker.created.map((w) => [w.url, w.type])).toEqual([
      ['https://example.test/assets/pretrain-worker.js', 'module'],
      ['https://example.test/assets/pretrain-worker.js', 'module'],
    ]);
    await pool.close();
    expect(liveWorkers()).toBe(0);
  });

  it('says how to point the pool at a bundled worker when worker.js does not load', async () => {
    g.Worker = MissingWorker;
    const failure = createWorkerPool(
      1,
      () => {},
      () => {},
      'browser',
    );
    await expect(failure).rejects.toThrow(/worker module worker\.js failed to load or threw/);
    await expect(failure).rejects.toThrow(
      /bundle '@mtrl\/pretrain\/worker' as an entry of its own and pass options\.workerUrl or options\.createWorker/,
    );
    await expect(
      createWorkerPool(
        1,
        () => {},
        () => {},
        'browser',
        { workerUrl: '/nowhere.js' },
      ),
    ).rejects.toThrow(
      /^pretrain: the worker module at options\.workerUrl \(\/nowhere\.js\) failed to load or threw$/,
    );
    expect(liveWorkers()).toBe(0);
  });
});

describe('pretrainAsync with createWorker returning Web Workers', { timeout: 120_000 }, () => {
  const bytes = (r: PretrainResult) =>
    [r.layer.w.data, r.layer.b.data, r.heads.data].map((a) =>
      Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
    );

  it('uses them (in Node too), with the bits of one thread, and terminates them', async () => {
    ShimWorker.created = [];
    const [kg, ks] = split(key(11));
    const gt = groundTruth(kg, { d: 8, r: 2 });
    const source = suiteSource(gt, taskSuite(ks, { kind: 'halfspace', noise: 0.1 }, gt, 6));
    const cfg = { m: 6, n1: 32, n2: 48, alpha: 0.5, eta: 3, rounds: 2, trainBias: true };
    const res = await pretrainAsync(key(3), source, cfg, {
      threads: 2,
      createWorker: () => new ShimWorker(new URL('https://example.test/w.js'), { type: 'module' }),
    });
    expect(bytes(res)).toEqual(bytes(pretrain(key(3), source, cfg)));
    expect(ShimWorker.created).toHaveLength(2);
    expect(ShimWorker.created.every((w) => w.terminated)).toBe(true);
    expect(liveWorkers()).toBe(0);
  });
});
