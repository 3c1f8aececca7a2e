import type {
  AudienceMembershipChangeRequest,
  AudienceSubscriptionRequest,
  DsrProcessingRequest,
  EventProcessingRequest,
  ModuleRegistration,
} from '../firehose';

/**
 * The contract between the kit and a partner's integration: a registration and one mapping per request
 * kind. Mappings are pure: they turn (part of) a Firehose request into one call to the partner's API, and
 * the kit decides how that call travels (in-line, queued, retried, parked). A partner rewrites
 * lambda/integration/ and nothing else.
 */

/** One call to the partner's API: a path under PARTNER_API_URL and a JSON body (may hold `bigint`s). */
export interface PartnerCall {
  readonly path: string;
  readonly body: unknown;
}

export interface PartnerIntegration {
  readonly registration: ModuleRegistration;

  /** An event batch, or a slice of its events when the batch is too large for one queue message. */
  mapEvents(request: EventProcessingRequest): PartnerCall | undefined;
  mapAudienceSubscription(request: AudienceSubscriptionRequest): PartnerCall | undefined;
  /** Settings to store with the subscription (returned in the response; keys must be declared). */
  audienceSubscriptionSettings?(request: AudienceSubscriptionRequest): Readonly<Record<string, string>> | undefined;
  /** A membership change, or a slice of its `user_profiles` sized to fit one queue message. */
  mapAudienceMembership(request: AudienceMembershipChangeRequest): PartnerCall | undefined;
  mapErasure(request: DsrProcessingRequest): PartnerCall | undefined;

  /**
   * Headers that authenticate a call, from the customer's confidential settings (decrypted only in
   * memory). Throw SettingError when a required one is missing: the call is then parked with that reason.
   */
  authHeaders(secrets: Readonly<Record<string, string>>): Readonly<Record<string, string>>;
}
