import type {
  AudienceMembershipChangeRequest,
  AudienceSubscriptionRequest,
  DsrProcessingRequest,
  EventProcessingRequest,
  Identity,
  UserProfile,
} from '../firehose';
import { asSent } from '../firehose';
import type { PartnerCall } from '../core/partner-integration';

/**
 * The Example Webhook's wire format (docs/partner-api.md): Firehose data reshaped into four JSON
 * documents. Event `id`s, `mpid`s and 64-bit numbers are carried verbatim. Pure functions: no I/O.
 */

/** Identities mParticle could send incomplete (docs/firehose-protocol.md, "Tolerance"): keep only usable ones, values as sent. */
export function usableIdentities(list: readonly Identity[] | null | undefined): UsableIdentity[] {
  const out: UsableIdentity[] = [];
  for (const identity of list ?? []) {
    const { type, encoding, value } = identity;
    if (type !== undefined && type !== null && type !== '' && value !== undefined && value !== null && value !== '') {
      out.push({ type, encoding: encoding ?? 'raw', value });
    }
  }
  return out;
}

type Present<T> = Exclude<T, null | undefined>;
export type UsableIdentity = {
  type: Present<Identity['type']>;
  encoding: Present<Identity['encoding']>;
  value: Present<Identity['value']>;
};

export function mapEvents(request: EventProcessingRequest): PartnerCall {
  return {
    path: '/events',
    // `timestamp_ms` and `request_id` order batches: a spilled batch may arrive after a newer in-line one, so
    // a receiver keeps, per mpid, the newest (timestamp_ms, request_id) it applied (docs/partner-api.md).
    body: {
      request_id: request.id,
      timestamp_ms: request.timestamp_ms,
      account_id: request.account?.account_id,
      source_id: request.source_id,
      mpid: request.mpid,
      user: {
        identities: usableIdentities(request.user_identities),
        device_identities: usableIdentities(request.runtime_environment?.identities),
        partner_identities: usableIdentities(request.partner_identities),
        attributes: request.user_attributes,
        attribute_lists: request.user_attribute_lists,
      },
      platform: request.runtime_environment?.type,
      consent_state: request.consent_state,
      system_notifications: request.system_notifications,
      // The partner's own values for this user (set through mParticle's integration attributes).
      integration_attributes: request.integration_attributes,
      // Events verbatim: their ids, types and fields exactly as mParticle sent them (written from the
      // request's own text when the kit's checks changed nothing in them; this mapping changes nothing).
      events: asSent(request.events),
    },
  };
}

export function mapAudienceSubscription(request: AudienceSubscriptionRequest): PartnerCall {
  return {
    path: '/audience-subscriptions',
    body: {
      request_id: request.id,
      account_id: request.account?.account_id,
      audience_id: request.audience_id,
      audience_name: request.audience_name,
      action: request.action,
      settings: request.audience_subscription_settings,
    },
  };
}

export function mapAudienceMembership(request: AudienceMembershipChangeRequest): PartnerCall | undefined {
  const memberships = (request.user_profiles ?? []).map(mapProfile).filter((m) => m.changes.length > 0);
  if (memberships.length === 0) return undefined;
  return {
    path: '/audience-memberships',
    // `timestamp_ms` and `request_id` order changes: queued calls may arrive out of order, so a receiver
    // keeps, per (mpid, audience_id), the newest (timestamp_ms, request_id) it applied (docs/partner-api.md).
    body: {
      request_id: request.id,
      timestamp_ms: request.timestamp_ms,
      account_id: request.account?.account_id,
      memberships,
    },
  };
}

function mapProfile(profile: UserProfile) {
  return {
    mpid: profile.mpid,
    identities: usableIdentities(profile.user_identities),
    device_identities: usableIdentities(profile.device_identities),
    partner_identities: usableIdentities(profile.partner_identities),
    changes: (profile.audiences ?? []).map((audience) => ({
      audience_id: audience.audience_id,
      audience_name: audience.audience_name,
      // `add`, `delete` (left the audience) or `attribute_update`.
      action: audience.action,
      // The official sample carries an empty `{}` entry: skip entries without key or action.
      attributes: audience.user_attributes?.filter((change) => change.key && change.action),
    })),
  };
}

/** Erasures only: any other `subject_request_type` maps to nothing (the kit never sends it as an erasure). */
export function mapErasure(request: DsrProcessingRequest): PartnerCall | undefined {
  if (request.subject_request_type !== 'erasure') return undefined;
  return {
    path: '/erasures',
    body: {
      request_id: request.id,
      account_id: request.account?.account_id,
      subject_request_id: request.subject_request_id,
      regulation: request.regulation,
      // Seconds since the epoch, as mParticle sends it (not milliseconds).
      submitted_time: request.submitted_time,
      identities: request.subject_identities,
    },
  };
}
