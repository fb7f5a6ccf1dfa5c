import { Worker as NodeWorker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, liveWorkers, sourceWorkerBoot } from './_pool.js';

// A Web Worker look-alike over worker_threads: exercises the browser adapter of the pool in
// Node (the URL is that of the built `_worker.js`; here the worker runs from its source).
class ShimWorker extends EventTarget {
  static created: ShimWorker[] = [];
  readonly url: string;
  readonly type: unknown;
  terminated = false;
  private readonly inner: Promise<NodeWorker>;
  constructor(url: URL, opts: { type?: string }) {
    super();
    this.url = url.href;
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

describe('worker pool, browser adapter', () => {
  const g = globalThis as { Worker?: unknown };
  afterEach(() => {
    delete g.Worker;
  });

  it('spawns module workers from _worker.js, relays messages and errors, and terminates', async () => {
    g.Worker = ShimWorker;
    const messages: unknown[] = [];
    const pool = await createWorkerPool(
      2,
      (i, m) => messages.push([i, m]),
      () => {},
      'browser',
    );
    expect(ShimWorker.created.map((w) => [w.url.endsWith('/_worker.js'), w.type])).toEqual([
      [true, 'module'],
      [true, 'module'],
    ]);
    expect(liveWorkers()).toBe(2);
    // A message before 'init' is an error inside the worker, reported back as a message.
    pool.post(1, { type: 'release' });
    await expect.poll(() => messages.length, { timeout: 10_000 }).toBe(1);
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
});
