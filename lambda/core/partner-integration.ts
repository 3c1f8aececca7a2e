import type {
  AudienceMembershipChangeRequest,
  AudienceSubscriptionRequest,
  DsrProcessingRequest,
  EventProcessingRequest,
  FirehoseRequestType,
  ModuleRegistration,
} from '../firehose';

/**
 * The contract between the kit and a partner's integration: a registration and one mapping per request
 * kind. Mappings are pure: they turn (part of) a Firehose request into one call to the partner's API, and
 * the kit decides how that call travels (in-line, queued, retried, parked). A partner rewrites
 * lambda/integration/ and nothing else.
 */

/** One call to the partner's API: a path under DELIVERY_ENV.partnerApiUrl and a JSON body (may hold `bigint`s). */
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
   * Headers that authenticate a call. Throw SettingError when a required customer setting is missing: the
   * call is then parked with that reason. May be async: it awaits `partnerCredential()` only when it needs it.
   */
  authHeaders(context: AuthContext): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
}

/** What a call's authentication may draw on. */
export interface AuthContext {
  /** The customer's confidential settings (decrypted only in memory); empty when the request has no `account`. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The kind of request the call came from, e.g. `dsr_processing_request` (whose official form has no `account`). */
  readonly requestType: FirehoseRequestType;
  /**
   * The partner-level credential (Secrets Manager in AWS, DELIVERY_ENV.partnerCredential locally), read on first use and
   * cached. Rejects with a retryable error when it cannot be had: the call is queued and tried again.
   */
  readonly partnerCredential: () => Promise<string>;
}
