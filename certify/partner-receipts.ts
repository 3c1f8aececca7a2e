import { parseFirehoseRequest, type FirehoseRequest } from '../lambda/firehose';
import type { PartnerCall, PartnerIntegration } from '../lambda/core/partner-integration';
import type { Json } from './messages';

/**
 * `--with-data` against the local system: did the partner stand-in receive each message? Read from the
 * status page's JSON (`/_status.json`, its recent deliveries), matching `Idempotency-Key: <request id>:<chunk>`.
 * Queued kinds (membership changes, erasures) arrive through the worker, so this polls until a deadline.
 */
export interface Delivery {
  readonly idempotencyKey: string;
  readonly accepted: boolean;
}

export type DeliveriesReader = () => Promise<readonly Delivery[]>;

export function statusPageDeliveries(statusUrl: string): DeliveriesReader {
  return async () => {
    const res = await fetch(statusUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`${statusUrl} answered ${res.status}`);
    const status = (await res.json()) as { deliveries?: { idempotencyKey?: unknown; accepted?: unknown }[] };
    return (status.deliveries ?? []).map((d) => ({
      idempotencyKey: String(d.idempotencyKey ?? ''),
      accepted: d.accepted === true,
    }));
  };
}

/** Whether the integration maps a request to a partner call at all (a mapping may skip a kind). */
export function expectsPartnerCall(request: Json, integration: PartnerIntegration): boolean {
  const parsed: FirehoseRequest = parseFirehoseRequest(request).request;
  let call: PartnerCall | undefined;
  switch (parsed.type) {
    case 'event_processing_request':
      call = integration.mapEvents(parsed);
      break;
    case 'audience_subscription_request':
      call = integration.mapAudienceSubscription(parsed);
      break;
    case 'audience_membership_change_request':
      call = integration.mapAudienceMembership(parsed);
      break;
    case 'dsr_processing_request':
      call = integration.mapErasure(parsed);
      break;
    default:
      call = undefined;
  }
  return call !== undefined;
}

/** Request ids not yet accepted by the partner when the deadline passes (empty: all arrived). */
export async function awaitReceipts(
  read: DeliveriesReader,
  requestIds: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deliveries = await read();
    const missing = requestIds.filter(
      (id) => !deliveries.some((d) => d.accepted && d.idempotencyKey.startsWith(`${id}:`)),
    );
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
