import type { CircuitBreaker } from './circuit-breaker';
import { partnerOutcome, type AttemptOutcome } from './delivery-policy';
import type { PartnerClient, PartnerRequest } from './partner-client';
import type { PartnerRateLimit } from './partner-rate-limit';

/**
 * One partner call under the breaker, for the ingress and the worker alike. The breaker is asked only
 * here, right before the call, and every outcome of the call is recorded: a half-open probe always ends
 * by closing or re-opening the circuit.
 *
 * With a rate limit (the worker's, PARTNER_MAX_RPS) a 429 is the limiter's business, not the breaker's: the
 * partner is up and reading, it asks us to slow down, so the limiter halves its rate and pauses for the
 * Retry-After, and the breaker records the partner as healthy. Without one, a 429 counts as unavailable.
 */
export async function callPartner(
  partner: PartnerClient,
  breaker: CircuitBreaker,
  request: PartnerRequest,
  deadlineMs: number,
  limit?: PartnerRateLimit,
): Promise<AttemptOutcome> {
  if (!breaker.allowRequest()) return { kind: 'not-tried' };
  try {
    const { status, ms } = await partner.send(request, deadlineMs);
    breaker.recordSuccess();
    limit?.succeeded();
    return { kind: 'delivered', status, ms };
  } catch (error) {
    const outcome = partnerOutcome(error);
    if (limit && outcome.kind === 'unavailable' && outcome.status === 429) {
      breaker.recordSuccess();
      limit.throttled(outcome.retryAfterMs);
      const { message: reason, excerpt, retryAfterMs } = outcome;
      return {
        kind: 'slowed',
        reason,
        status: 429,
        waitMs: retryAfterMs ?? 0,
        ...(excerpt === undefined ? {} : { excerpt }),
      };
    }
    // A refusal means the partner is up and reading: it says nothing about an outage.
    if (outcome.kind === 'refused') breaker.recordSuccess();
    else breaker.recordFailure();
    return outcome;
  }
}
