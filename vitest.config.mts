import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Quiet runs: no AWS SDK Node-version warning, no raw metric lines (see the file).
    setupFiles: ['test/setup/quiet.ts'],
    // Bounds that catch a hang, not a slow machine: a whole-app synth with bundling and cdk-nag in a
    // `beforeAll` took over 30 s on two busy cores.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // Two cores: keep parallel forks modest so spawned CLIs and emulators are not starved.
    pool: 'forks',
    maxWorkers: 2,
  },
});
