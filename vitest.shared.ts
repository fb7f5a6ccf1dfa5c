import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest config: workspace packages resolve to their TypeScript sources through the
 * `@mtrl/source` export condition, so tests run without building dependencies first.
 *
 * `npm test` runs turbo with one task per core, so each vitest takes half the cores (at least
 * one worker): the suite never runs more test processes than the machine has cores, and the
 * timeouts are wide because a loaded 2-core machine may be several times slower than an idle
 * one. No test asserts wall-clock speed.
 */
export default defineConfig({
  resolve: { conditions: ['@mtrl/source'] },
  ssr: { resolve: { conditions: ['@mtrl/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
