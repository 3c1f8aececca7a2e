import type { Context } from 'aws-lambda';
import type { FirehoseResponse } from '../firehose';
import { createLogger } from '../observability/logger';
import { createMetrics, ingressMetrics } from '../observability/metrics';
import { createIngressFunction } from '../composition/ingress-function';
import { withoutStack } from '../composition/ingress-runtime';

/**
 * The function mParticle invokes (Request-Response) with one Firehose message; its return value is the
 * answer. Everything expensive is built here, at module scope, once per container.
 */
const logger = createLogger('firehose-ingress');
const metrics = createMetrics('firehose-ingress');
const ingress = createIngressFunction({
  env: process.env,
  logger,
  service: 'firehose-ingress',
  observer: ingressMetrics(metrics),
});

/** The managed runtime's entry point: the payload arrives already parsed (integers beyond 2^53 rounded). */
export async function handler(event: unknown, context?: Context): Promise<FirehoseResponse> {
  return invoke(event, context);
}

/**
 * The kit's runtime loop's entry point (lambda/runtime-loop, RAW_HANDLER_EXPORT): the payload's bytes, so
 * the lossless reader sees every 64-bit integer digit for digit.
 */
export async function rawHandler(payload: Buffer | string, context?: Context): Promise<FirehoseResponse> {
  return invoke(payload, context);
}

async function invoke(input: unknown, context: Context | undefined): Promise<FirehoseResponse> {
  if (context) logger.addContext(context);
  try {
    const { response } = await ingress.handle(input);
    return response;
  } catch (error) {
    throw error instanceof Error ? withoutStack(error) : new Error(String(error));
  } finally {
    metrics.publishStoredMetrics();
  }
}
