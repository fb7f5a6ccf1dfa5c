import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` (without extension) beside `callerUrl`
 * (the caller's `import.meta.url`). From the built package it loads `name.js`; from the TypeScript
 * sources (vitest, tsx) it registers tsx's loader in the worker first and loads `name.ts` with
 * workspace packages resolved to their sources, so the worker runs exactly the caller's code.
 */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (callerUrl.endsWith('.ts')) {
    const require = createRequire(callerUrl);
    const api = pathToFileURL(require.resolve('tsx/esm/api')).href;
    const entry = new URL(`./${name}.ts`, callerUrl).href;
    const code = `(async () => { const m = await import(${JSON.stringify(api)}); (m.register ?? m.default.register)(); await import(${JSON.stringify(entry)}); })().catch((e) => { setImmediate(() => { throw e; }); });`;
    return new Worker(code, { eval: true, execArgv: ['--conditions=@mtrl/source'], workerData });
  }
  return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
}
