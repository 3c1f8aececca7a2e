import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHttpHandler, tokenSourceFromEnv } from '../http';
import { httpInlineDeadlineMs, startWarmUp } from '../http/warm-up';
import { createLogger } from '../observability/logger';
import { createMetrics, ingressMetrics, METRIC_NAMES } from '../observability/metrics';
import { createIngressFunction } from '../composition/ingress-function';
import { primeParser } from '../firehose/priming';

/**
 * The function behind the Function URL mParticle POSTs to (the HTTP variant). Everything expensive is built
 * here, at module scope, once per container. Reads TOKEN_ENV.secretArn (or TOKEN_ENV.tokens locally), the
 * delivery settings the ingress reads, and its own in-line deadline, DELIVERY_ENV.httpInlineDeadlineMs (50 ms):
 * mParticle asks HTTP endpoints to answer within 100 ms.
 */
const logger = createLogger('firehose-http');
const metrics = createMetrics('firehose-http');
const ingress = createIngressFunction({
  env: process.env,
  logger,
  service: 'firehose-http',
  observer: ingressMetrics(metrics),
  inlineDeadlineMs: httpInlineDeadlineMs(process.env),
});
const tokens = tokenSourceFromEnv(process.env, {
  onStaleKept: (error) =>
    logger.error(
      'the token secret could not be re-read; the tokens read before stay in use',
      error instanceof Error ? error : String(error),
    ),
});
const handleHttp = createHttpHandler({
  runtime: ingress,
  tokens,
  logger,
  onRejectedAuth: () => metrics.addMetric(METRIC_NAMES.rejectedAuth, MetricUnit.Count, 1),
});

/**
 * What a spill needs (the SQS module, client and first request, the sealing data key), the tokens and a
 * first parse (firehose/priming.ts), started during init. Lambda runs init with full CPU for up to 10 s; the
 * SDK modules are required synchronously here (create-delivery.ts), and the deployed entry, an ES module
 * (http-esm.ts), awaits the rest before init ends, so the first request does not wait behind it. The
 * Lambda-invoke ingress keeps its init short and readies the spill path while its in-line calls wait for the
 * partner (lambda/delivery/spill-warm-up.ts): its deadline is 100 ms, mParticle's limit 200.
 */
const warmUp = startWarmUp(
  { spill: () => ingress.prepare(), tokens: () => tokens.current(), parser: async () => primeParser() },
  logger,
);

/** Settles when init's warm-up has (awaited by http-esm.ts, the deployed entry; never rejects). */
export const warmedUp: Promise<void> = warmUp;

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    return await handleHttp(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
