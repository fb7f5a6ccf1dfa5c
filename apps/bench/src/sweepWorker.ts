/**
 * The worker thread of `mtrl-bench sweep --jobs N`: sets the backend it is given, then runs the
 * points it is sent, one at a time, as `runSweepPoint` does, and posts each study result back
 * (the main thread adds the run's meta and records it).
 */
import { workerData } from 'node:worker_threads';
import { setBackend } from '@mtrl/tensors';
import type { StudyConfig } from './config.js';
import { silentProgress } from './progress.js';
import { runStudy, type StudyResult } from './study.js';
import { serveTasks } from './workerPool.js';

setBackend((workerData as { backend: string }).backend);
const never = new AbortController().signal;
serveTasks<StudyConfig, StudyResult>((config) => runStudy(config, silentProgress, never));
