import type { PartnerIntegration } from '../core/partner-integration';
import { authHeaders } from './auth';
import { mapAudienceMembership, mapAudienceSubscription, mapErasure, mapEvents } from './mapping';
import { registration } from './registration';

export const integration: PartnerIntegration = {
  registration,
  mapEvents,
  mapAudienceSubscription,
  mapAudienceMembership,
  mapErasure,
  authHeaders,
};
