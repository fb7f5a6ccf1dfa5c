/**
 * The worker entry under its name before `@mtrl/pretrain/worker` existed (`dist/_worker.js`),
 * kept for anyone who points at that file. Same behaviour as `worker.ts`.
 */
import { serveWorker } from './_serveWorker.js';

serveWorker();
