import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHttpHandler, tokenSourceFromEnv } from '../http';
import { createLogger } from '../observability/logger';
import { createMetrics, ingressMetrics, METRIC_NAMES } from '../observability/metrics';
import { createIngressFunction } from '../runtime/ingress-function';

/**
 * The function behind the Function URL mParticle POSTs to (the HTTP variant). Everything expensive is built
 * here, at module scope, once per container; the token secret is read on the first call that needs it.
 * Reads TOKEN_ENV.secretArn (or TOKEN_ENV.tokens locally) and the delivery settings the ingress reads.
 */
const logger = createLogger('firehose-http');
const metrics = createMetrics('firehose-http');
const ingress = createIngressFunction({ env: process.env, logger, service: 'firehose-http', observer: ingressMetrics(metrics) });
const tokens = tokenSourceFromEnv(process.env, {
  onStaleKept: (error) =>
    logger.error('the token secret could not be re-read; the tokens read before stay in use', error instanceof Error ? error : String(error)),
});
const handleHttp = createHttpHandler({
  runtime: ingress,
  tokens,
  logger,
  onRejectedAuth: () => metrics.addMetric(METRIC_NAMES.rejectedAuth, MetricUnit.Count, 1),
});

export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    return await handleHttp(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
