import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';
import { groundTruth, taskSuite } from '@mtrl/tasks';
import { key, split } from '@mtrl/tensors';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { liveWorkers, sourceWorkerBoot } from './_pool.js';
import {
  type PretrainConfig,
  type PretrainResult,
  type PretrainWorker,
  pretrain,
  pretrainAsync,
  suiteSource,
} from './index.js';

function setup(T = 5) {
  const [kg, ks] = split(key(11));
  const gt = groundTruth(kg, { d: 8, r: 2 });
  return suiteSource(gt, taskSuite(ks, { kind: 'halfspace', noise: 0.1 }, gt, T));
}

const RUN = key(3);
const small: PretrainConfig = {
  m: 6,
  n1: 32,
  n2: 48,
  alpha: 0.5,
  eta: 3,
  rounds: 2,
  loss: 'logistic',
  trainBias: true,
  init: { bias: { kind: 'normal', std: 0.3 } },
  optimizer: { kind: 'adam' },
  normalizeRows: true,
  dtype: 'float32',
};

// The raw bytes of every array of a run, so equality means bit for bit (NaN and -0 included).
function bytes(r: PretrainResult): number[][] {
  return [r.layer.w.data, r.layer.b.data, r.heads.data].map((a) =>
    Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  );
}

describe('worker options: validation', () => {
  const source = setup();
  it.each([
    [{ workerUrl: 42 }, /options\.workerUrl: expected a non-empty string or a URL.*got 42/],
    [{ workerUrl: '' }, /options\.workerUrl: expected a non-empty string.*got ""/],
    [{ workerUrl: { href: 'x' } }, /options\.workerUrl: .*got an object/],
    [{ createWorker: 'worker.js' }, /options\.createWorker: expected a function.*got "worker.js"/],
    [{ createWorker: new URL('file:///w.js') }, /options\.createWorker: .*got a URL/],
    [
      { workerUrl: 'w.js', createWorker: () => undefined },
      /options\.workerUrl and options\.createWorker: give one or the other, not both/,
    ],
  ])('rejects %o, naming the option', async (bad, message) => {
    const opts = { threads: 2, ...bad } as never;
    await expect(pretrainAsync(RUN, source, small, opts)).rejects.toThrow(TypeError);
    await expect(pretrainAsync(RUN, source, small, opts)).rejects.toThrow(message);
    // Checked up front by every entry point, even on one thread.
    expect(() => pretrain(RUN, source, small, bad as never)).toThrow(message);
    expect(liveWorkers()).toBe(0);
  });

  it('rejects a createWorker that returns no worker, or throws, and stops the workers started', async () => {
    let calls = 0;
    await expect(
      pretrainAsync(RUN, source, small, { threads: 2, createWorker: () => ({}) as PretrainWorker }),
    ).rejects.toThrow(
      /options\.createWorker: expected it to return a Web Worker or a node:worker_threads Worker, got an object/,
    );
    const boot = await sourceWorkerBoot();
    await expect(
      pretrainAsync(RUN, source, small, {
        threads: 3,
        createWorker: () => {
          if (++calls === 2) throw new Error('no more workers today');
          return new NodeWorker(boot.code, { eval: true, execArgv: boot.execArgv });
        },
      }),
    ).rejects.toThrow('no more workers today');
    expect(calls).toBe(2);
    expect(liveWorkers()).toBe(0);
  });

  it('accepts the DOM Worker and the node:worker_threads Worker types', () => {
    expectTypeOf<Worker>().toExtend<PretrainWorker>();
    expectTypeOf<NodeWorker>().toExtend<PretrainWorker>();
  });
});

// Workers start from the TypeScript sources here (about a second each).
describe('worker options: custom workers are used', { timeout: 120_000 }, () => {
  const source = setup();
  let fixtures = '';
  beforeAll(() => {
    fixtures = mkdtempSync(join(tmpdir(), 'mtrl-pretrain-worker-'));
    // A stand-in for a bundled worker: says ready, then answers init with a recognisable error.
    writeFileSync(
      join(fixtures, 'fake-worker.mjs'),
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m.type === 'init')
    parentPort.postMessage({ type: 'error', name: 'RangeError', message: \`fake worker: init with d=\${m.d}, m=\${m.m}\` });
});
parentPort.postMessage({ type: 'ready' });
`,
    );
  });
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  it('createWorker returning node:worker_threads Workers: called once per thread, same bits as one thread', async () => {
    const boot = await sourceWorkerBoot();
    const one = pretrain(RUN, source, small);
    let calls = 0;
    const res = await pretrainAsync(RUN, source, small, {
      threads: 2,
      // A promise is fine too.
      createWorker: async () => {
        calls++;
        return new NodeWorker(boot.code, { eval: true, execArgv: boot.execArgv });
      },
    });
    expect(calls).toBe(2);
    expect(bytes(res)).toEqual(bytes(one));
    expect(res.history.map((h) => h.layerLoss)).toEqual(one.history.map((h) => h.layerLoss));
    expect(liveWorkers()).toBe(0);
  });

  it('workerUrl as a URL, a file: string and a path: the workers load that module', async () => {
    const file = join(fixtures, 'fake-worker.mjs');
    for (const workerUrl of [pathToFileURL(file), pathToFileURL(file).href, file]) {
      await expect(pretrainAsync(RUN, source, small, { threads: 2, workerUrl })).rejects.toThrow(
        new RangeError('fake worker: init with d=8, m=6'),
      );
      expect(liveWorkers()).toBe(0);
    }
  });

  it('a workerUrl that does not load rejects with the loader error, without the default hint', async () => {
    const workerUrl = pathToFileURL(join(fixtures, 'missing.mjs'));
    const run = pretrainAsync(RUN, source, small, { threads: 2, workerUrl });
    await expect(run).rejects.toThrow(/missing\.mjs/);
    await expect(run).rejects.not.toThrow(/Bundlers/);
    expect(liveWorkers()).toBe(0);
  });

  it('ignores the worker options on one thread', async () => {
    const res = await pretrainAsync(RUN, source, small, {
      threads: 1,
      createWorker: () => {
        throw new Error('not called');
      },
    });
    expect(bytes(res)).toEqual(bytes(pretrain(RUN, source, small)));
  });
});
