/**
 * A worker thread of `mtrl-bench perf`'s GEMM throughput figure: sets the backend it is given,
 * builds the operands of one GEMM on `setup` (with one warm-up product), then runs the product
 * once per `run`, so the main thread can time several of them running at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setBackend } from '@mtrl/tensors';
import { type GemmOp, gemmCase, type PerfWorkerMsg, type PerfWorkerReply } from './gemm.js';

const port = parentPort;
if (port === null) throw new Error('perf worker: must run in a worker thread');
setBackend((workerData as { backend: string }).backend);
let run: (() => void) | undefined;
port.on('message', (msg: PerfWorkerMsg) => {
  try {
    if (msg.type === 'setup') {
      run = gemmCase(msg.op as GemmOp, msg.dtype, msg.m, msg.n, msg.k);
      run();
      port.postMessage({ type: 'ready' } satisfies PerfWorkerReply);
    } else {
      if (run === undefined) throw new Error('perf worker: run before setup');
      run();
      port.postMessage({ type: 'done' } satisfies PerfWorkerReply);
    }
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error).message } satisfies PerfWorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies PerfWorkerReply);
