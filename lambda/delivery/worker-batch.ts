import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { monotonicMs } from '../common/monotonic-clock';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverRecord, type WorkerDependencies } from './delivery-worker';
import { DeliveryDeferredError } from './errors';

export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** The worker's batch handler: records in parallel, only the failed ones reported back to SQS. */
export function createWorkerBatchHandler(deps: WorkerDependencies): SqsBatchHandler {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event, context) => {
    const started = monotonicMs();
    const outcomes = { delivered: 0, parked: 0, retry: 0, hold: 0 };
    const recordHandler = async (record: SQSRecord) => {
      try {
        // The invocation's remaining time bounds how long a record may sleep for a rate-limit slot.
        const outcome = await deliverRecord(
          record,
          deps,
          context ? () => context.getRemainingTimeInMillis() : undefined,
        );
        outcomes[outcome]++;
        return outcome;
      } catch (error) {
        if (error instanceof DeliveryDeferredError) outcomes[error.decision]++;
        throw error;
      }
    };
    // A batch that fails whole (partner down) is reported item by item, not as a function error.
    const response = await processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: false,
    });
    // Under PARTNER_MAX_RPS, hand the concurrency slot on only once this container's last call is a spacing old.
    const lingerMs = Math.min(
      deps.rateLimit?.lingerMs() ?? 0,
      context ? context.getRemainingTimeInMillis() - 1_000 : Infinity,
    );
    if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
    deps.logger.info('batch handled', {
      records: event.Records.length,
      delivered: outcomes.delivered,
      parked: outcomes.parked,
      retrying: outcomes.retry,
      held: outcomes.hold,
      failed: response.batchItemFailures.length - outcomes.retry - outcomes.hold,
      circuit: deps.breaker.state,
      durationMs: Math.round(monotonicMs() - started),
    });
    return response;
  };
}
