/**
 * Latency under load through the local Lambda Invoke endpoint (`npm start`'s system), many concurrent
 * callers for a fixed time, the partner answering in 20 ms. Baseline in the same run: the same load against
 * a bare HTTP server on this machine (the partner stand-in answering at once), so the ratio shows what the
 * kit adds over the HTTP stack itself. Loopback only; bounded in time.
 */
import autocannon from 'autocannon';
import { withBaselineAndLocalSystem } from './baseline-and-local-system';
import { customEvents, eventBatch } from '../test/support/factories';

export interface LoadRow {
  readonly target: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function fire(target: string, url: string, body: string, connections: number, seconds: number): Promise<LoadRow> {
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  return {
    target,
    connections,
    seconds,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function runLoadBench(options: { connections?: number; seconds?: number } = {}): Promise<LoadRow[]> {
  const connections = options.connections ?? 20;
  const seconds = options.seconds ?? 10;
  const body = JSON.stringify(eventBatch(customEvents(100)));

  return withBaselineAndLocalSystem({}, async ({ bare, system }) => {
    system.partner?.setFaults(() => ({ kind: 'slow', delayMs: 20 }));
    const baseline = await fire('bare HTTP server (baseline)', `${bare.url}/events`, body, connections, seconds);
    const invokeUrl = `${system.invokeUrl}/2015-03-31/functions/firehose-ingress/invocations`;
    // Warm the local "containers" first (one process per concurrent call, as Lambda scales): cold starts are
    // the cold-start bench's; this one measures a warm fleet under load.
    await fire('warm-up', invokeUrl, body, connections, 3);
    const invoke = await fire('ingress via Invoke API, partner 20 ms', invokeUrl, body, connections, seconds);
    return [baseline, invoke];
  });
}

if (require.main === module) {
  runLoadBench({ seconds: 5 }).then((rows) => {
    console.table(rows);
    process.exit(0);
  });
}
