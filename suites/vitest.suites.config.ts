import { defineConfig } from 'vitest/config';

// The conformance suites, run by `datashare-conformance run` (which sets reporters and provides the target).
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['suites/**/*.suite.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 600_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    passWithNoTests: true,
  },
});
