import { performance } from 'node:perf_hooks';
import { describeError, parsed } from './invoke-target';
import { LATENCY_BUDGET_MS, type Target } from './types';

/**
 * The HTTP variant, POSTed to as mParticle does, with `Authorization: Token <token>`. A base URL (a
 * Function URL output) gets `/firehose`, the route that takes every kind.
 */
export function httpTarget(options: {
  url: string;
  token: string | undefined;
  region: string;
  timeoutMs?: number;
}): Target {
  const url = new URL(options.url);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/firehose';
  return {
    region: options.region,
    label: url.toString(),
    transport: 'http',
    budgetMs: LATENCY_BUDGET_MS.http,
    async send(payloadText, sendOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token !== undefined && !sendOptions.withoutToken) headers['authorization'] = `Token ${options.token}`;
      const started = performance.now();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: payloadText,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        return {
          ms: performance.now() - started,
          outcome: res.ok ? 'ok' : 'http-error',
          status: res.status,
          text,
          ...parsed(text),
        };
      } catch (error) {
        return { ms: performance.now() - started, outcome: 'transport-error', text: describeError(error) };
      }
    },
  };
}
