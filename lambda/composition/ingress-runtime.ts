import type { Logger } from '@aws-lambda-powertools/logger';
import { monotonicMs } from '../common/monotonic-clock';
import { processRequest, type CoreDependencies, type ProcessResult } from '../core/process-request';
import { FirehoseInputError, parseFirehoseRequest, type ParsedRequest } from '../firehose';
import type { IngressObserver } from '../observability/metrics';
import { errorMessage } from '../common/errors';

/**
 * The ingress pipeline shared by every entry point (Lambda invoke, HTTP, the invoke CLI, the local system):
 * parse → process → one summary log line. Built once per container and reused by every invocation.
 */
export interface IngressRuntime {
  handle(input: unknown): Promise<ProcessResult>;
  readonly dependencies: CoreDependencies;
}

export function createIngressRuntime(
  dependencies: CoreDependencies,
  logger: Logger,
  observer?: IngressObserver,
): IngressRuntime {
  const warnedEventTypes = new Set<string>();

  const noteSkipped = (parsed: ParsedRequest): void => {
    for (const [type, count] of parsed.skippedEventTypes) {
      // Logged once per container and type: a new event type would otherwise flood the logs.
      if (warnedEventTypes.has(type) || warnedEventTypes.size >= 100) continue;
      warnedEventTypes.add(type);
      logger.warn('skipping events of an unknown type', { eventType: type.slice(0, 80), count });
    }
  };

  return {
    dependencies,
    async handle(input) {
      const started = monotonicMs();
      let parsed: ParsedRequest;
      try {
        parsed = parseFirehoseRequest(input);
      } catch (error) {
        if (error instanceof FirehoseInputError) {
          const durationMs = round(monotonicMs() - started);
          logger.warn('rejected input', { outcome: 'rejected', error: error.message, path: error.path, durationMs });
          observer?.rejected(error.message, durationMs);
        }
        throw error;
      }
      noteSkipped(parsed);
      try {
        const result = asDryRun(await processRequest(parsed, dependencies), dependencies);
        const durationMs = round(monotonicMs() - started);
        const { warning, ...summary } = result.summary;
        if (warning === undefined) logger.info('handled', { ...summary, durationMs });
        else logger.warn(warning, { ...summary, durationMs });
        observer?.handled(result.summary, durationMs);
        return result;
      } catch (error) {
        observer?.failed(errorMessage(error), round(monotonicMs() - started));
        logger.error(
          {
            message: 'failed',
            type: parsed.request.type,
            requestId: parsed.request.id,
            outcome: 'failed',
            durationMs: round(monotonicMs() - started),
          },
          error instanceof Error ? error : new Error(errorMessage(error)),
        );
        throw error;
      }
    },
  };
}

/** In a dry run nothing was delivered or queued: the summary says so instead of "delivered". */
function asDryRun(result: ProcessResult, dependencies: CoreDependencies): ProcessResult {
  if (!dependencies.delivery.dryRun || result.summary.calls === 0) return result;
  return { ...result, summary: { ...result.summary, outcome: 'dry-run' } };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * An error as Lambda should report it: name and message only. The runtime would otherwise return the
 * stack trace to the caller in the error document.
 */
export function withoutStack<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
