/** Context settings for what the functions record: log level, log retention and request capture. */

import { CONTEXT_KEYS } from './context-keys';
import { readBoolean, readString, readWholeNumber } from './context-values';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The values CloudWatch Logs accepts for a retention period (logs.RetentionDays, without "infinite"). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function readRetention(raw: unknown): number {
  const key = CONTEXT_KEYS.logRetentionDays;
  const days = readWholeNumber(raw, key) ?? 30;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(`context "${key}" must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

export function readLogLevel(raw: unknown): LogLevel {
  const key = CONTEXT_KEYS.logLevel;
  const value = readString(raw, key)?.toUpperCase() ?? 'INFO';
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (level === undefined) throw new Error(`context "${key}" must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** `capture=true` turns capture on (every request unless `captureSampleRate` says less); a rate alone does not. */
export function readCapture(rawOn: unknown, rawRate: unknown): number | undefined {
  if (readBoolean(rawOn, CONTEXT_KEYS.capture) !== true) return undefined;
  if (rawRate === undefined || rawRate === null || rawRate === '') return 1;
  const rate = typeof rawRate === 'number' ? rawRate : Number(String(rawRate));
  if (!(rate > 0 && rate <= 1))
    throw new Error(`context "${CONTEXT_KEYS.captureSampleRate}" must be a number above 0 and at most 1`);
  return rate;
}
