import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The queued-sweep tests get a throwaway redis-server from the global setup.
export default mergeConfig(
  shared,
  defineConfig({ test: { globalSetup: ['./test/redisSetup.ts'] } }),
);
