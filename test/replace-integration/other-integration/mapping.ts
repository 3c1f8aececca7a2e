import type {
  AudienceMembershipChangeRequest,
  AudienceSubscriptionRequest,
  DsrProcessingRequest,
  EventProcessingRequest,
} from '../firehose';
import type { PartnerCall } from '../core/partner-integration';

/** Acme Segments' API: one track call per batch, segments by id, members in one list. */

export function mapEvents(request: EventProcessingRequest): PartnerCall | undefined {
  if (request.events.length === 0) return undefined;
  return {
    path: '/v2/track',
    body: {
      batch: request.id,
      user: request.mpid,
      events: request.events.map((event) => ({ kind: event.type, at: event.timestamp_ms })),
    },
  };
}

export function mapAudienceSubscription(request: AudienceSubscriptionRequest): PartnerCall {
  return {
    path: `/v2/segments/${request.audience_id}/subscription`,
    body: { name: request.audience_name, action: request.action },
  };
}

export function mapAudienceMembership(request: AudienceMembershipChangeRequest): PartnerCall | undefined {
  const members = (request.user_profiles ?? []).flatMap((profile) =>
    (profile.audiences ?? []).map((audience) => ({
      user: profile.mpid,
      segment: audience.audience_id,
      member: audience.action !== 'delete',
    })),
  );
  return members.length === 0 ? undefined : { path: '/v2/segments/members', body: { members } };
}

/** No DSR support: nothing is ever sent for a data subject request. */
export function mapErasure(_request: DsrProcessingRequest): PartnerCall | undefined {
  return undefined;
}
