import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['targets/**/*.test.ts', 'scripts/**/*.test.ts', 'scenarios/**/*.test.ts', 'reports/**/*.test.ts', 'results/*.test.ts'],
    globalSetup: ['scripts/test-database.ts'],
    // Test files share one real Postgres server and reset its databases: run them one at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The default output, then every skipped test and why in the last lines (CI=true: a skip fails).
    reporters: ['default', './scripts/skipped-reporter.ts'],
  },
});
