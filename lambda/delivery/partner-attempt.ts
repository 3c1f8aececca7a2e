import type { CircuitBreaker } from './circuit-breaker';
import { partnerOutcome, type AttemptOutcome } from './delivery-policy';
import type { PartnerClient, PartnerRequest } from './partner-client';

/**
 * One partner call under the breaker, for the ingress and the worker alike. The breaker is asked only
 * here, right before the call, and every outcome of the call is recorded: a half-open probe always ends
 * by closing or re-opening the circuit.
 */
export async function callPartner(
  partner: PartnerClient,
  breaker: CircuitBreaker,
  request: PartnerRequest,
  deadlineMs: number,
): Promise<AttemptOutcome> {
  if (!breaker.allowRequest()) return { kind: 'not-tried' };
  try {
    const { status, ms } = await partner.send(request, deadlineMs);
    breaker.recordSuccess();
    return { kind: 'delivered', status, ms };
  } catch (error) {
    const outcome = partnerOutcome(error);
    // A refusal means the partner is up and reading: it says nothing about an outage.
    if (outcome.kind === 'refused') breaker.recordSuccess();
    else breaker.recordFailure();
    return outcome;
  }
}
