/**
 * The demo's Web Worker: receives the form's parameters and runs {@link runDemo}, posting its
 * messages back to the page. It selects the fastest tensors backend (WebAssembly SIMD, compiled
 * asynchronously; the TypeScript kernels where SIMD is missing) and runs pretraining on as many
 * nested workers as the browser reports cores. To cancel, the page terminates this worker,
 * which ends its nested workers too.
 */
import { setBackendAsync } from '@mtrl/tensors';
import { type DemoMessage, runDemo } from './run.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<Record<string, unknown>>) => void) | null;
  postMessage(message: DemoMessage): void;
}

const scope = self as unknown as WorkerScope;
// 'auto' falls back to the TypeScript kernels itself; a failure here must not stop the demo.
const ready = setBackendAsync('auto').catch(() => undefined);
scope.onmessage = async (event) => {
  await ready;
  await runDemo(event.data, (m) => scope.postMessage(m), { threads: 'auto' });
};
