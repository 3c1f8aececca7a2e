import path from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

const EXAMPLE = path.join(import.meta.dirname, 'lambda', 'integration');
const KIT_INTEGRATION = path.join(import.meta.dirname, 'test', 'support', 'kit-integration', 'index.ts');

/**
 * The kit's tests never run the partner's folder: a partner rewrites lambda/integration/ and the kit's tests stay
 * as they were. The handlers' `../integration` (and any other import of lambda/integration from outside it)
 * resolves to the tests' own integration, test/support/kit-integration; importing one of the example's inner
 * files from a kit test is an error. Only lambda/integration's own tests (the `integration` project) see it.
 */
function kitIntegration(): Plugin {
  return {
    name: 'kit-integration',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      // Any path into lambda/integration/ from outside it names the folder: skip the second resolve for the rest.
      if (!importer || !source.includes('integration') || importer.startsWith(EXAMPLE + path.sep)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      const id = resolved.id.split('?')[0] as string;
      if (id === path.join(EXAMPLE, 'index.ts')) return KIT_INTEGRATION;
      if (id.startsWith(EXAMPLE + path.sep))
        this.error(`${importer} imports ${id}: the kit's tests use test/support/kit-integration, not the example`);
      return null;
    },
  };
}

// Quiet runs (no raw metric lines, no function logs), and a watchdog for hangs no timer can stop.
const SETUP = ['test/setup/quiet.ts', 'test/setup/watchdog.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel forks modest so spawned CLIs and emulators are not starved.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // The kit's own tests, against the tests' integration (spawned processes too: test/setup/kit-integration.ts).
      {
        extends: true,
        plugins: [kitIntegration()],
        test: { name: 'kit', include: ['test/**/*.test.ts'], setupFiles: [...SETUP, 'test/setup/kit-integration.ts'] },
      },
      // The example integration's tests, beside it: the only tests a partner rewrites with the folder.
      { extends: true, test: { name: 'integration', include: ['lambda/integration/**/*.test.ts'], setupFiles: SETUP } },
    ],
  },
});
