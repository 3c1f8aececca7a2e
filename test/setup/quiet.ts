import { ENV } from '../../lambda/delivery/defaults';

/**
 * Runs before every test file (vitest setupFiles), and its env reaches every process a test spawns:
 * no AWS SDK Node-version warning, no metric JSON lines. test/observability/metrics.test.ts turns
 * metrics back on to read them.
 */
process.env[ENV.sdkNodeVersionWarningDisabled] ??= 'true';
process.env[ENV.metricsDisabled] ??= 'true';
