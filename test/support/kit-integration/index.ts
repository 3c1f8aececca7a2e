import type { PartnerIntegration } from '../../../lambda/core/partner-integration';
import { authHeaders } from './auth';
import { mapAudienceMembership, mapAudienceSubscription, mapErasure, mapEvents } from './mapping';
import { registration } from './registration';

/**
 * The integration the kit's own tests run: owned by test/, so a partner who rewrites lambda/integration/
 * leaves the kit's tests as they were. Its wire format is the one docs/partner-api.md describes (the example's
 * at the time of the split); it changes only with the kit's tests. In-process, vitest.config.mts resolves the
 * handlers' `../integration` to this folder; spawned processes and bundles name it (KIT_INTEGRATION_MODULE).
 */
export const integration: PartnerIntegration = {
  registration,
  mapEvents,
  mapAudienceSubscription,
  mapAudienceMembership,
  mapErasure,
  authHeaders,
};
