import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge crashes in worker threads (temporalio/sdk-typescript#876): use forks.
    pool: 'forks',
    globalSetup: ['tests/global-setup.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'web/build/**', 'web/.svelte-kit/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    maxWorkers: 2,
  },
});
