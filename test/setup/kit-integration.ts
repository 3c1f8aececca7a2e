import { LOCAL_ENV } from '../../lambda/config/environment';
import { KIT_INTEGRATION_MODULE } from '../support/kit-integration-module';

/**
 * Runs before every kit test file (vitest setupFiles, the `kit` project): every process a test spawns (`npm
 * start`, `npm run invoke`, `registration`, `certify`) runs the tests' integration, not lambda/integration, the
 * folder a partner rewrites. In-process, vitest.config.mts redirects the imports; a test may name another module.
 */
process.env[LOCAL_ENV.localIntegrationModule] = KIT_INTEGRATION_MODULE;
