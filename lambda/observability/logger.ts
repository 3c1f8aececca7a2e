import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact';
import { PLATFORM_ENV } from '../config/environment';

/**
 * Structured JSON logs (Powertools Logger). Level from FUNCTION_ENV.logLevel (or PLATFORM_ENV.powertoolsLogLevel), default INFO.
 * Every logger redacts secret-looking keys (redact.ts), so no call site has to remember to.
 */
type LogLevel = NonNullable<NonNullable<ConstructorParameters<typeof Logger>[0]>['logLevel']>;

export function createLogger(serviceName: string, logLevel?: string): Logger {
  return new Logger({
    serviceName: process.env[PLATFORM_ENV.serviceName] ?? serviceName,
    jsonReplacerFn: redactingReplacer,
    // A level given here (a local function's own FUNCTION_ENV.logLevel) wins over this process's environment.
    ...(logLevel ? { logLevel: logLevel.toUpperCase() as LogLevel } : {}),
  });
}
