import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs for `npm run mutation` (stryker.config.mjs): only those over the mutated code, so a run
 * fits a shared two-core machine. No watchdog: Stryker bounds each mutant itself (a hit limit and a timeout).
 */
export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts', 'test/delivery/delivery-policy*.test.ts', 'test/firehose/**/*.test.ts'],
    setupFiles: ['test/setup/quiet.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
