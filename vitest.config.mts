import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Quiet runs (no AWS SDK Node-version warning, no raw metric lines), and a watchdog for hangs no timer can stop.
    setupFiles: ['test/setup/quiet.ts', 'test/setup/watchdog.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel forks modest so spawned CLIs and emulators are not starved.
    pool: 'forks',
    maxWorkers: 2,
  },
});
