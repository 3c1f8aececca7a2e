import { performance } from 'node:perf_hooks';
import type { LambdaApi } from './lambda-api';
import { LATENCY_BUDGET_MS, type Answer, type Target } from './types';

/** A Lambda function (the local system's Invoke API, or a deployed alias) invoked as mParticle does: Request-Response. */
export function invokeTarget(options: {
  api: LambdaApi;
  functionName: string;
  region: string;
  label?: string;
  tailLogs?: boolean;
}): Target {
  return {
    region: options.region,
    label: options.label ?? options.functionName,
    transport: 'invoke',
    budgetMs: LATENCY_BUDGET_MS.invoke,
    async send(payloadText) {
      const started = performance.now();
      try {
        const out = await options.api.invoke({
          FunctionName: options.functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(payloadText, 'utf8'),
          ...(options.tailLogs ? { LogType: 'Tail' as const } : {}),
        });
        const ms = performance.now() - started;
        const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
        return {
          ms,
          ...reportDurations(out.LogResult),
          outcome: out.FunctionError ? 'function-error' : 'ok',
          ...(out.StatusCode !== undefined ? { status: out.StatusCode } : {}),
          text,
          ...parsed(text),
        } satisfies Answer;
      } catch (error) {
        return { ms: performance.now() - started, outcome: 'transport-error', text: describeError(error) };
      }
    },
  };
}

/** `Duration` and `Init Duration` from the REPORT line of the base64 log tail; the rest of the log is never kept. */
export function reportDurations(logResult: string | undefined): { functionMs?: number; initMs?: number } {
  if (!logResult) return {};
  const report = Buffer.from(logResult, 'base64')
    .toString('utf8')
    .split('\n')
    .find((line) => line.startsWith('REPORT '));
  if (!report) return {};
  const duration = /\tDuration: ([\d.]+) ms/.exec(report);
  const init = /Init Duration: ([\d.]+) ms/.exec(report);
  return { ...(duration ? { functionMs: Number(duration[1]) } : {}), ...(init ? { initMs: Number(init[1]) } : {}) };
}

export function parsed(text: string): { body?: unknown } {
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
