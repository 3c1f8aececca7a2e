import type { Context } from 'aws-lambda';
import { createCoreDependencies } from '../delivery/create-delivery';
import type { FirehoseResponse } from '../firehose';
import { integration } from '../integration';
import { createLogger } from '../observability/logger';
import { createMetrics, ingressMetrics } from '../observability/metrics';
import { createIngressRuntime, withoutStack } from '../runtime/ingress-runtime';

/**
 * The function mParticle invokes (Request-Response) with one Firehose message; its return value is the
 * answer. Everything expensive is built here, at module scope, once per container.
 */
const logger = createLogger('firehose-ingress');
const metrics = createMetrics('firehose-ingress');
const runtime = createIngressRuntime(createCoreDependencies(integration, process.env, logger), logger, ingressMetrics(metrics));

export async function handler(event: unknown, context?: Context): Promise<FirehoseResponse> {
  if (context) logger.addContext(context);
  try {
    const { response } = await runtime.handle(event);
    return response;
  } catch (error) {
    throw error instanceof Error ? withoutStack(error) : new Error(String(error));
  } finally {
    metrics.publishStoredMetrics();
  }
}
