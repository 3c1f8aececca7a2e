/**
 * Latency under load through the local Lambda Invoke endpoint (`npm start`'s system), many concurrent
 * callers for a fixed time, the partner answering in 20 ms. Baselines in the same run:
 * - an EMPTY handler through the same local system, Invoke API, process pool (one process per caller) and
 *   runtime loop (the target's baseline): what the local stand-in for Lambda costs by itself on this
 *   machine, so the ingress row measures the kit;
 * - a bare HTTP server (the partner stand-in answering at once), for reference: the HTTP stack alone.
 * Loopback only; bounded in time.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { bundleRuntimeLoop, localTaskRoot } from '../local/runtime-loop-process';
import { customEvents, eventBatch } from '../test/support/factories';
import { withBaselineAndLocalSystem } from './baseline-and-local-system';

/** Which row: the reference server, the target's baseline (empty handler, same pool), or the kit. */
export type LoadRowKind = 'bare-server' | 'empty-handler' | 'ingress';

export interface LoadRow {
  readonly kind: LoadRowKind;
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

const FUNCTION = 'firehose-ingress';
const invocationsUrl = (base: string): string => `${base}/2015-03-31/functions/${FUNCTION}/invocations`;

/**
 * The empty handler: no parsing, no partner, a fixed answer, and the one summary line per invocation that
 * the ingress writes too (the pool reads it, and waits up to a second for it).
 */
const EMPTY_HANDLER = `exports.rawHandler = async (payload, context) => {
  process.stdout.write(JSON.stringify({ level: 'INFO', message: 'handled', function_request_id: context.awsRequestId,
    type: 'event_processing_request', outcome: 'delivered', calls: 0, durationMs: 0 }) + '\\n');
  return { type: 'event_processing_response', id: 'empty' };
};
exports.handler = exports.rawHandler;
`;

async function fire(
  kind: LoadRowKind,
  target: string,
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<LoadRow> {
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  return {
    kind,
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

/** A task root holding the empty handler and the runtime loop, removed after `run`. */
async function withEmptyHandlerTaskRoot<T>(run: (taskRoot: string) => Promise<T>): Promise<T> {
  const taskRoot = localTaskRoot();
  try {
    mkdirSync(taskRoot, { recursive: true });
    writeFileSync(path.join(taskRoot, 'index.js'), EMPTY_HANDLER);
    await bundleRuntimeLoop(taskRoot);
    return await run(taskRoot);
  } finally {
    rmSync(taskRoot, { recursive: true, force: true });
  }
}

export async function runLoadBench(options: { connections?: number; seconds?: number } = {}): Promise<LoadRow[]> {
  const connections = options.connections ?? 20;
  const seconds = options.seconds ?? 10;
  const body = JSON.stringify(eventBatch(customEvents(100)));
  // Each pool may start one process per caller, as Lambda starts one sandbox per concurrent call (with `npm
  // start`'s 10, half the kit's calls waited a whole call for a process: a wait Lambda does not have). Each is
  // warmed first (processes started on demand): cold starts are the cold-start bench's; these rows measure a
  // warm fleet under load.
  const warmed = async (kind: LoadRowKind, target: string, url: string): Promise<LoadRow> => {
    // Waited for, not timed: on a busy machine ten cold starts outlast any fixed warm-up time.
    for (let round = 0; round < 2; round += 1) {
      await Promise.all(
        Array.from({ length: connections }, async () => {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await response.arrayBuffer();
        }),
      );
    }
    await fire(kind, 'warm-up', url, body, connections, 3);
    return fire(kind, target, url, body, connections, seconds);
  };

  // The baseline runs in the same local system (Invoke API, pool, emulator, worker, stand-ins), its ingress
  // replaced by the empty handler: the two rows differ only by the function.
  const empty = await withEmptyHandlerTaskRoot((ingressTaskRoot) =>
    withBaselineAndLocalSystem({}, { ingressTaskRoot, ingressMaxContainers: connections }, ({ system }) =>
      warmed(
        'empty-handler',
        'empty handler via the same local system, Invoke API and pool (baseline)',
        invocationsUrl(system.invokeUrl),
      ),
    ),
  );
  const kit = await withBaselineAndLocalSystem({}, { ingressMaxContainers: connections }, async ({ bare, system }) => {
    system.partner?.setFaults(() => ({ kind: 'slow', delayMs: 20 }));
    const reference = await fire(
      'bare-server',
      'bare HTTP server (reference)',
      `${bare.url}/events`,
      body,
      connections,
      seconds,
    );
    const ingress = await warmed('ingress', 'ingress via Invoke API, partner 20 ms', invocationsUrl(system.invokeUrl));
    return { reference, ingress };
  });
  return [kit.reference, empty, kit.ingress];
}

if (require.main === module) {
  runLoadBench({ seconds: 5 }).then((rows) => {
    console.table(rows);
    process.exit(0);
  });
}
