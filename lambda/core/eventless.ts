import type { EventProcessingRequest } from '../firehose';

/**
 * What to do with an event batch that has no events left to send (none sent, or all of unknown types),
 * decided from what the batch carries (docs/firehose-protocol.md, "Verification messages"):
 * - nothing about the user and no events: mParticle's connection check, answered without a call;
 * - nothing about the user but events of unknown types: nothing to send; the dropped types are named;
 * - user data (identities, attributes, consent, notifications, integration attributes): forwarded, with or
 *   without `allow_eventless_batches`, so nothing mParticle sent is lost. Without the permission, or when
 *   events of unknown types were dropped, the operator is told (a warning naming what was dropped or why).
 */
export type EventlessDecision = 'forward' | 'verification' | 'nothing-to-send';

export interface EventlessVerdict {
  readonly decision: EventlessDecision;
  /** The fields holding user data, in wire names. */
  readonly carried: readonly string[];
  /** Set when the operator should know: logged at warn with the summary. */
  readonly warning?: string;
}

export function decideEventless(
  request: EventProcessingRequest,
  skippedEvents: number,
  allowEventless: boolean,
): EventlessVerdict {
  const carried = carriedFields(request);
  if (carried.length === 0) {
    if (skippedEvents === 0) return { decision: 'verification', carried };
    return { decision: 'nothing-to-send', carried, warning: 'dropped a batch whose events are all of unknown types' };
  }
  if (skippedEvents > 0)
    return {
      decision: 'forward',
      carried,
      warning: 'forwarded the user data of a batch whose events are all of unknown types; the events were dropped',
    };
  if (!allowEventless)
    return {
      decision: 'forward',
      carried,
      warning:
        'forwarded an eventless batch carrying user data although the registration does not set allow_eventless_batches',
    };
  return { decision: 'forward', carried };
}

/** The wire names of the fields that hold anything about the user besides the ids of batch, source and account. */
export function carriedFields(request: EventProcessingRequest): string[] {
  const fields: Record<string, unknown> = {
    user_identities: request.user_identities,
    partner_identities: request.partner_identities,
    'runtime_environment.identities': request.runtime_environment?.identities,
    user_attributes: request.user_attributes,
    user_attribute_lists: request.user_attribute_lists,
    consent_state: request.consent_state,
    system_notifications: request.system_notifications,
    integration_attributes: request.integration_attributes,
  };
  return Object.entries(fields)
    .filter(([, value]) => isPresent(value))
    .map(([name]) => name);
}

/** Present and not empty: mParticle's serializer drops empty arrays and objects anyway (NON_EMPTY). */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
