/**
 * The demo's Web Worker: receives the form's parameters and runs {@link runDemo}, posting its
 * messages back to the page. Pretraining is synchronous, so the page stays responsive only
 * because it runs here; to cancel, the page terminates the worker.
 */
import { type DemoMessage, runDemo } from './run.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<Record<string, unknown>>) => void) | null;
  postMessage(message: DemoMessage): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (event) => runDemo(event.data, (m) => scope.postMessage(m));
