import { defineConfig } from 'vitest/config';

// `npm test`: the project's own tests (harness, mock, generators, checks proven against defects).
// The conformance suites under suites/ run through the CLI (`npm run conformance`), with suites/vitest.suites.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/count-reporter.ts'],
  },
});
