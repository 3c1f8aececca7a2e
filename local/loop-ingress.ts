import { rmSync } from 'node:fs';
import type { LocalFunction } from './lambda-invoke-api';
import { bundleIngressWithLoop, startLoopFunction, type LoopFunction } from './runtime-loop-process';
import type { SystemLog } from './system-log';
import { FUNCTION_ENV } from '../lambda/config/environment';

/**
 * The ingress of `npm start`'s Invoke API run as Lambda runs it: the bundle the construct ships, started
 * through the exec wrapper and the kit's runtime loop against a Runtime API stand-in (local/runtime-loop-process.ts).
 * The status page learns what each invocation did from the handler's own summary log line.
 */

/** The ingress function's timeout in the construct (lib/firehose-integration.ts). */
const INGRESS_TIMEOUT_MS = 10_000;
// SILENT last: a function at SILENT shows none of its lines.
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const SUMMARY_WAIT_MS = 1_000;
/**
 * Concurrent invocations the local ingress serves at once by default, one process each: Lambda would scale
 * further, but each process holds ~100 MB. Calls beyond it wait for a free process, which Lambda's would not.
 */
export const DEFAULT_MAX_CONTAINERS = 10;

type Summary = Parameters<SystemLog['invocation']>[0];

export interface LoopIngress extends Pick<LocalFunction, 'invoke'> {
  stop(): Promise<void>;
}

export async function startLoopIngress(options: {
  readonly env: Readonly<Record<string, string>>;
  readonly log: SystemLog;
  /** A module exporting `integration` to bundle instead of lambda/integration (npm start's reload test). */
  readonly integrationModule?: string;
  /**
   * A task root built already (index.js and the loop), run instead of the ingress bundle and left in place on
   * stop: the load bench's empty handler, measured through this same pool.
   */
  readonly taskRoot?: string;
  /**
   * How many processes the pool may start (@default DEFAULT_MAX_CONTAINERS): the load bench sets its number of
   * callers, so that, as in Lambda, no call waits for another to finish.
   */
  readonly maxContainers?: number;
}): Promise<LoopIngress> {
  const maxContainers = options.maxContainers ?? DEFAULT_MAX_CONTAINERS;
  if (!Number.isInteger(maxContainers) || maxContainers < 1)
    throw new Error(`maxContainers must be a whole number of processes, at least 1 (got ${maxContainers})`);
  const taskRoot =
    options.taskRoot ??
    (await bundleIngressWithLoop(
      undefined,
      options.integrationModule ? { integrationModule: options.integrationModule } : {},
    ));
  const shownLevel = Math.max(
    0,
    LEVELS.indexOf((options.env[FUNCTION_ENV.logLevel] ?? process.env[FUNCTION_ENV.logLevel] ?? 'INFO').toUpperCase()),
  );
  const summaries = new Map<string, Summary>();
  const waiting = new Map<string, (summary: Summary) => void>();

  const onLine = (line: string, stream: NodeJS.WriteStream): void => {
    // A metrics line (EMF, up to two per invocation) carries no level and no summary: never shown, so not parsed.
    if (line.startsWith('{"_aws"')) return;
    const entry = parseLine(line);
    const summary = entry && summaryOf(entry);
    const requestId = entry?.['function_request_id'];
    if (summary && typeof requestId === 'string') {
      const resolve = waiting.get(requestId);
      if (resolve) resolve(summary);
      else summaries.set(requestId, summary);
    }
    // The process logs at INFO so that its summaries reach the status page; show what the user asked for.
    if (entry && isToldByTheSummary(entry)) return;
    if (!entry || LEVELS.indexOf(String(entry['level'])) >= shownLevel) stream.write(`${line}\n`);
  };

  // Lambda runs one invocation per container at a time and starts more containers for concurrent calls:
  // so does this pool, up to maxContainers (the first started now, the others on demand, then kept warm).
  const start = (): Promise<LoopFunction> =>
    startLoopFunction({ taskRoot, env: { ...options.env, [FUNCTION_ENV.logLevel]: 'INFO' }, onLine });
  const containers: Promise<LoopFunction>[] = [start()];
  const idle: LoopFunction[] = [await (containers[0] as Promise<LoopFunction>)];
  const waiters: Array<(loop: LoopFunction) => void> = [];
  const acquire = async (): Promise<LoopFunction> => {
    const ready = idle.pop();
    if (ready) return ready;
    if (containers.length < maxContainers) {
      const started = start();
      containers.push(started);
      return started;
    }
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (loop: LoopFunction): void => {
    const next = waiters.shift();
    if (next) next(loop);
    else idle.push(loop);
  };

  const summaryFor = (requestId: string): Promise<Summary | undefined> => {
    const seen = summaries.get(requestId);
    summaries.delete(requestId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(requestId);
        resolve(undefined);
      }, SUMMARY_WAIT_MS);
      waiting.set(requestId, (summary) => {
        clearTimeout(timer);
        waiting.delete(requestId);
        resolve(summary);
      });
    });
  };

  return {
    async invoke(payload, context) {
      const loop = await acquire();
      let outcome: Awaited<ReturnType<LoopFunction['invoke']>>;
      try {
        outcome = await loop.invoke({
          payload,
          requestId: context.requestId,
          deadlineMs: Date.now() + INGRESS_TIMEOUT_MS,
        });
      } finally {
        release(loop);
      }
      const summary = await summaryFor(context.requestId);
      if (summary) options.log.invocation(summary);
      const body: unknown = JSON.parse(outcome.body.toString('utf8'));
      if (outcome.kind === 'response') return body;
      // The Invoke API turns this back into the runtime's error document (errorType, errorMessage).
      const document = body as { errorType?: string; errorMessage?: string };
      throw Object.assign(new Error(document.errorMessage ?? 'the function failed'), {
        name: document.errorType ?? 'Error',
      });
    },
    async stop() {
      await Promise.all(containers.map(async (container) => (await container).stop()));
      if (!options.taskRoot) rmSync(taskRoot, { recursive: true, force: true });
    },
  };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A refused input (a field-path error) is one quiet line in the terminal, the invocation's summary
 * (`invoke invalid → rejected …: events[0].type: is required`): not also the function's warning and the
 * runtime loop's ERROR line for the error it returns, as Lambda would log them. `npm run certify` sends
 * a dozen such inputs on purpose. Failures of the code keep every line.
 */
function isToldByTheSummary(entry: Record<string, unknown>): boolean {
  if (entry['message'] === 'rejected input') return true;
  return entry['message'] === 'invocation failed' && entry['errorType'] === 'FirehoseInputError';
}

/** The ingress's one summary line per invocation (lambda/composition/ingress-runtime.ts) as a status-page record. */
function summaryOf(entry: Record<string, unknown>): Summary | undefined {
  const ms = Number(entry['durationMs'] ?? 0);
  switch (entry['message']) {
    case 'handled':
      return { type: String(entry['type']), outcome: String(entry['outcome']), ms, calls: Number(entry['calls'] ?? 0) };
    case 'rejected input':
      return { type: 'invalid', outcome: 'rejected', ms, calls: 0, error: String(entry['error']) };
    case 'failed':
      return {
        type: 'failed',
        outcome: 'error',
        ms,
        calls: 0,
        error: String((entry['error'] as { message?: unknown } | undefined)?.message ?? ''),
      };
    default:
      return undefined;
  }
}
