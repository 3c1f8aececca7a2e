import type { Context } from 'aws-lambda';
import { createLogger } from '../lambda/observability/logger';
import { createMetrics, ingressMetrics } from '../lambda/observability/metrics';

/**
 * The cold-start bench's "Powertools floor": a handler that does no work of its own but sets up and uses
 * Powertools Logger and Metrics through the kit's own factories, as lambda/handlers/ingress.ts does: at
 * module scope one logger, one metrics instance and the ingress observer; per call, the context, the summary
 * line (written only at INFO and below: the bench runs both this and the ingress at ERROR) and the
 * observer's counts, then one flush. What any function observed this way pays at cold start before its own
 * code runs.
 */
const logger = createLogger('firehose-ingress');
const metrics = createMetrics('firehose-ingress');
const observer = ingressMetrics(metrics);

export const handler = async (_event: unknown, context?: Context): Promise<{ ok: true }> => {
  if (context) logger.addContext(context);
  const summary = {
    type: 'event_processing_request',
    requestId: 'cold-start',
    events: 1,
    calls: 1,
    outcome: 'delivered',
    inline: ['delivered'],
  } as const;
  logger.info('handled', { ...summary, durationMs: 1 });
  observer.handled(summary, 1);
  metrics.publishStoredMetrics();
  return { ok: true };
};
