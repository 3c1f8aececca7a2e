import path from 'node:path';

/**
 * The tests' integration (test/support/kit-integration) as a module path, for what vitest's resolver does not
 * reach: esbuild bundles (the local system's ingress) and spawned CLIs (through LOCAL_ENV.localIntegrationModule,
 * which test/setup/kit-integration.ts sets for every process a kit test starts).
 */
export const KIT_INTEGRATION_MODULE = path.join(__dirname, 'kit-integration', 'index.ts');
