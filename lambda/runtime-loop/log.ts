/**
 * The loop's own log lines: one JSON object per line on stdout, so CloudWatch never splits an entry (the
 * managed runtime's log framing is not there to join lines). Stacks go to the log, never to the caller.
 */
export type Level = 'INFO' | 'WARN' | 'ERROR';

export function logLine(level: Level, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
  let text: string;
  try {
    text = JSON.stringify({ timestamp: new Date().toISOString(), level, source: 'runtime-loop', message, ...fields });
  } catch {
    text = JSON.stringify({ timestamp: new Date().toISOString(), level, source: 'runtime-loop', message });
  }
  process.stdout.write(`${text}\n`);
}
