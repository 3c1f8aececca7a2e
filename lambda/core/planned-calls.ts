import { DELIVERY_DEFAULTS } from '../delivery/defaults';
import { parseFirehoseRequest, parseJson } from '../firehose';
import type { DeliveryPort } from './delivery-port';
import type { OutboundCall } from './outbound-call';
import type { PartnerIntegration } from './partner-integration';
import { processRequest } from './process-request';

/**
 * The partner calls the kit would make for one Firehose request, in-line and queued alike, each with the
 * headers the integration's auth adds: what an integration's own tests compare with reviewed golden files
 * (lambda/integration/integration.test.ts), without sending anything or depending on the kit's internals.
 */

export interface PlannedCall {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body as sent, read back with 64-bit integers as `bigint`. */
  readonly body: unknown;
}

export async function plannedCalls(
  integration: PartnerIntegration,
  /** The request's bytes or text, as mParticle sends it (parsed losslessly). */
  request: string | Uint8Array,
  /** Stands in for the partner-level credential, for calls whose auth uses it. */
  partnerCredential = 'partner-credential',
): Promise<PlannedCall[]> {
  const calls: OutboundCall[] = [];
  const delivery: DeliveryPort = {
    description: 'planned calls: recorded, not sent',
    async deliverInline(call) {
      calls.push(call);
      return { kind: 'delivered', status: 200 };
    },
    async enqueue(queued) {
      calls.push(...queued);
    },
  };
  await processRequest(parseFirehoseRequest(request), {
    integration,
    delivery,
    // The queue's message size the construct sets: a request is sliced into queued calls as in AWS.
    maxMessageBytes: DELIVERY_DEFAULTS.queueMessageMaxBytes,
    suspendOnAuthFailure: false,
  });
  return Promise.all(
    calls.map(async (call) => ({
      path: call.path,
      headers: await integration.authHeaders({
        secrets: call.secrets,
        requestType: call.requestType,
        partnerCredential: async () => partnerCredential,
      }),
      body: parseJson(call.bodyText),
    })),
  );
}
