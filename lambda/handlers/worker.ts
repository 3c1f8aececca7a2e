import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createWorkerDependencies } from '../delivery/create-worker';
import { createWorkerBatchHandler } from '../delivery/worker-batch';
import { integration } from '../integration';
import { createLogger } from '../observability/logger';

/** The queue worker (SQS event source, ReportBatchItemFailures). Built once per container. */
const logger = createLogger('firehose-worker');
const handleBatch = createWorkerBatchHandler(createWorkerDependencies(integration, process.env, logger));

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  return handleBatch(event, context);
}
