import { defineConfig } from 'vitest/config';

/**
 * Shared vitest config: workspace packages resolve to their TypeScript sources through the
 * `@mtrl/source` export condition, so tests run without building dependencies first.
 */
export default defineConfig({
  resolve: { conditions: ['@mtrl/source'] },
  ssr: { resolve: { conditions: ['@mtrl/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000 },
});
