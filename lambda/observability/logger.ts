import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact';

/**
 * Structured JSON logs (Powertools Logger). Level from LOG_LEVEL (or POWERTOOLS_LOG_LEVEL), default INFO.
 * Every logger redacts secret-looking keys (redact.ts), so no call site has to remember to.
 */
export function createLogger(serviceName: string, options: { readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' } = {}): Logger {
  return new Logger({
    serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? serviceName,
    jsonReplacerFn: redactingReplacer,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
}
