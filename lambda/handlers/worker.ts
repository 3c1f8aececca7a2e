import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLogger } from '../observability/logger';
import { createMetrics, workerMetrics } from '../observability/metrics';
import { createWorkerFunction } from '../composition/worker-function';

/** The queue worker (SQS event source, ReportBatchItemFailures). Built once per container. */
const logger = createLogger('firehose-worker');
const metrics = createMetrics('firehose-worker');
const { handleBatch } = createWorkerFunction({ env: process.env, logger, observer: workerMetrics(metrics) });

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  try {
    return await handleBatch(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
