import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The cold-start bench's "Powertools floor": a handler that does no work of its own but sets up and uses
 * Powertools Logger and Metrics as the ingress does (lambda/observability): one logger, one metrics instance
 * and its per-type publisher at module scope; per call, one summary line and two EMF lines. What any
 * function observed this way pays at cold start before its own code runs.
 */
const logger = new Logger({ serviceName: 'firehose-ingress' });
const metrics = new Metrics({ namespace: 'MparticleFirehose', serviceName: 'firehose-ingress' });
const invocationsByType = metrics.singleMetric();

export const handler = async (): Promise<{ ok: true }> => {
  logger.info('handled', { type: 'event_processing_request', outcome: 'delivered', calls: 1 });
  invocationsByType
    .addDimension('RequestType', 'event_processing_request')
    .addMetric('Invocations', MetricUnit.Count, 1);
  metrics.addMetric('CallsDeliveredInline', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return { ok: true };
};
