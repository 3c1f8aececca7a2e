import { createCoreDependencies } from '../../lambda/delivery/create-delivery';
import type { PartnerIntegration } from '../../lambda/core/partner-integration';
import { integration as defaultIntegration } from '../../lambda/integration';
import { createLogger } from '../../lambda/observability/logger';
import { createIngressRuntime } from '../../lambda/composition/ingress-runtime';
import { inProcessTarget, recordingCalls, type ReplayTarget } from './replay-records';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * The code in this working tree, as a dry run: the same mapping and core as the functions, no partner and
 * no queue, every partner call recorded for comparison.
 */
export function dryRunTarget(integration: PartnerIntegration = defaultIntegration): ReplayTarget {
  const logger = createLogger('firehose-replay', 'ERROR');
  const env = { ...process.env };
  for (const name of [DELIVERY_ENV.partnerApiUrl, DELIVERY_ENV.deliveryQueueUrl, DELIVERY_ENV.deadLetterQueueUrl])
    delete env[name];
  const dependencies = createCoreDependencies(integration, env, logger);
  const calls = recordingCalls(dependencies.delivery);
  const runtime = createIngressRuntime({ ...dependencies, delivery: calls.port }, logger);
  return inProcessTarget((input) => runtime.handle(input), calls);
}

/**
 * A running system's Lambda Invoke API (`npm start`: http://127.0.0.1:3001): compares answers only, since
 * the calls are made there (its partner stand-in shows them).
 */
export function invokeApiTarget(baseUrl: string, functionName = 'firehose-ingress'): ReplayTarget {
  const url = new URL(`/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, baseUrl);
  return async (requestText) => {
    const answer = await fetch(url, {
      method: 'POST',
      body: requestText,
      headers: { 'content-type': 'application/json' },
    });
    const body = (await answer.json()) as Record<string, unknown>;
    if (answer.headers.get('x-amz-function-error')) return { error: String(body['errorMessage'] ?? 'function error') };
    if (!answer.ok) throw new Error(`${url.origin} answered ${answer.status}`);
    return { response: body };
  };
}
