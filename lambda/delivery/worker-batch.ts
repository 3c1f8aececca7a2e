import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverRecord, type WorkerDependencies } from './delivery-worker';

export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** The worker's batch handler: records in parallel, only the failed ones reported back to SQS. */
export function createWorkerBatchHandler(deps: WorkerDependencies): SqsBatchHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = (record: SQSRecord) => deliverRecord(record, deps);
  return (event, context) =>
    // A batch that fails whole (partner down) is reported item by item, not as a function error.
    processPartialResponse(event, recordHandler, processor, { ...(context ? { context } : {}), throwOnFullBatchFailure: false });
}
