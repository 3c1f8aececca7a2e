import { FUNCTION_ENV, PLATFORM_ENV } from '../config/environment';

/**
 * The loop's own log lines: one JSON object per line on stdout, so CloudWatch never splits an entry (the
 * managed runtime's log framing is not there to join lines). Stacks go to the log, never to the caller.
 * `logLine` honours the level the functions' Powertools logger reads (POWERTOOLS_LOG_LEVEL, else LOG_LEVEL);
 * `logAlways` is for the few lines an operator needs whatever the level: which runtime started, and why a
 * sandbox ended.
 */
export type Level = 'INFO' | 'WARN' | 'ERROR';

/** Powertools' level order; an unknown value logs everything (as Powertools falls back to INFO or lower). */
const SEVERITY: Readonly<Record<string, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, CRITICAL: 4, SILENT: 5 };

/** Whether a line of `level` is written under the log level in `env`. */
export function isLogged(level: Level, env: NodeJS.ProcessEnv = process.env): boolean {
  const configured = env[PLATFORM_ENV.powertoolsLogLevel] || env[FUNCTION_ENV.logLevel] || '';
  const threshold = SEVERITY[configured.toUpperCase()] ?? 0;
  return (SEVERITY[level] ?? 0) >= threshold;
}

export function logLine(level: Level, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
  if (isLogged(level)) logAlways(level, message, fields);
}

export function logAlways(level: Level, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
  let text: string;
  try {
    text = JSON.stringify({ timestamp: new Date().toISOString(), level, source: 'runtime-loop', message, ...fields });
  } catch {
    text = JSON.stringify({ timestamp: new Date().toISOString(), level, source: 'runtime-loop', message });
  }
  process.stdout.write(`${text}\n`);
}
