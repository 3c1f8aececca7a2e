import type { EventProcessingRequest } from '../firehose';

/**
 * What to do with an event batch that has no events left to send (none sent, or all of unknown types).
 * mParticle's "eventless batches" permission (`allow_eventless_batches`, docs/firehose-protocol.md,
 * "Verification messages"): with it, batches carrying only user data (identities, attributes, consent,
 * notifications) are real data and must be forwarded; a batch with no user data at all is mParticle's
 * connection check either way, and without the permission no eventless batch is forwarded.
 */
export type EventlessDecision = 'forward' | 'verification' | 'nothing-to-send';

export function decideEventless(
  request: EventProcessingRequest,
  skippedEvents: number,
  allowEventless: boolean,
): EventlessDecision {
  if (allowEventless && carriesUserData(request)) return 'forward';
  return skippedEvents > 0 ? 'nothing-to-send' : 'verification';
}

/** True when the batch holds anything about the user besides its ids of batch, source and account. */
export function carriesUserData(request: EventProcessingRequest): boolean {
  return [
    request.user_identities,
    request.partner_identities,
    request.runtime_environment?.identities,
    request.user_attributes,
    request.user_attribute_lists,
    request.consent_state,
    request.system_notifications,
  ].some(isPresent);
}

/** Present and not empty: mParticle's serializer drops empty arrays and objects anyway (NON_EMPTY). */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
