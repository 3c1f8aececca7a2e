import { FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

/**
 * Runs before every test file (vitest setupFiles), and its env reaches every process a test spawns:
 * no metric JSON lines, no function log lines. test/observability/metrics.test.ts turns
 * metrics back on to read them.
 */
process.env[PLATFORM_ENV.metricsDisabled] ??= 'true';
// Functions log nothing during tests unless a test asks (the loggers tests read set their own level).
process.env[FUNCTION_ENV.logLevel] ??= 'SILENT';
