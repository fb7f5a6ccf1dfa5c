/**
 * vitest global setup of the bench: the queued-sweep tests need a Redis server.
 *
 * - `MTRL_TEST_REDIS_URL` set: that server is used as it is.
 * - otherwise, when `redis-server` is on PATH: a throwaway server is started on a free port of
 *   127.0.0.1 (no persistence, its files in a temporary folder) and stopped after the run.
 * - otherwise the queue tests fail with a message naming the fix, unless `MTRL_SKIP_REDIS=1`
 *   asks to skip them (the skip is then named in the test titles and counted by vitest).
 *
 * The URL reaches the tests through `provide('redisUrl', ...)`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Redis URL for the queue tests, or '' when none could be had. */
    redisUrl: string;
    /** Why `redisUrl` is empty. */
    redisMissing: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG'));
      }
    });
  });
}

let server: ChildProcess | undefined;
let dir: string | undefined;
let skipNotice = '';

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.MTRL_TEST_REDIS_URL;
  if (given !== undefined && given !== '') {
    project.provide('redisUrl', given);
    project.provide('redisMissing', '');
    return;
  }
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    const missing =
      'redis-server is not on PATH (Debian: apt-get install -y redis-server) and MTRL_TEST_REDIS_URL is unset';
    project.provide('redisUrl', '');
    project.provide('redisMissing', missing);
    if (process.env.MTRL_SKIP_REDIS === '1')
      skipNotice = `@mtrl/bench: the queued-sweep tests were SKIPPED (MTRL_SKIP_REDIS=1): ${missing}`;
    return;
  }
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'mtrl-test-redis-'));
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await answersPing(port)); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!(await answersPing(port))) {
    await teardown();
    throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s`);
  }
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  project.provide('redisMissing', '');
}

export async function teardown(): Promise<void> {
  if (skipNotice !== '') process.stderr.write(`\n${skipNotice}\n`);
  const s = server;
  server = undefined;
  if (s !== undefined && s.exitCode === null) {
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (s.exitCode === null) s.kill('SIGKILL');
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
