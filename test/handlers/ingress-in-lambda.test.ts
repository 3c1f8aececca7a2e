import { describe, expect, it } from 'vitest';
import {
  customEvents,
  dsrErasure,
  eventBatch,
  membershipChange,
  profiles,
  registrationRequest,
} from '../support/factories';
import { useEntryPoints } from '../support/entry-points';
import { DELIVERY_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
const load = useEntryPoints();
const ingress = async (env: Record<string, string> = {}) =>
  (await load<{ handler: Handler }>('../../lambda/handlers/ingress', env)).handler;

const REFUSAL = `${DELIVERY_ENV.partnerApiUrl} is not set: refusing to accept data that would not be delivered (deploy with -c partnerApiUrl=… or -c dryRun=true)`;

describe(`the ingress entry point deployed without delivery settings (inside Lambda, no ${DELIVERY_ENV.dryRun})`, () => {
  it('fails an invocation carrying data with one line naming the missing setting', async () => {
    // Prepare
    const handler = await ingress();
    // Act
    const errors = await Promise.all(
      [eventBatch(customEvents(2)), membershipChange(profiles(1)), dsrErasure()].map((message) =>
        handler(message).catch((e: unknown) => e),
      ),
    );
    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(REFUSAL);
      expect((error as Error).stack).toBe(`DeliveryNotConfiguredError: ${REFUSAL}`);
    }
  });

  it('still answers registration and verification, so the connection can be set up', async () => {
    const handler = await ingress();
    expect(await handler(registrationRequest())).toMatchObject({
      type: 'module_registration_response',
      name: 'Kit Test Webhook',
    });
    expect(await handler(eventBatch([]))).toMatchObject({ type: 'event_processing_response' });
    expect(await handler(eventBatch(undefined))).toMatchObject({ type: 'event_processing_response' });
    expect(await handler(membershipChange(undefined))).toMatchObject({ type: 'audience_membership_change_response' });
  });

  it(`runs the dry run when it is asked for explicitly (${DELIVERY_ENV.dryRun}=true)`, async () => {
    const handler = await ingress({ [DELIVERY_ENV.dryRun]: 'true' });
    expect(await handler(eventBatch(customEvents(2)))).toMatchObject({ type: 'event_processing_response' });
    expect(await handler(dsrErasure())).toMatchObject({ type: 'dsr_processing_response' });
  });

  it(`refuses to start with a ${DELIVERY_ENV.dryRun} that is neither true nor false`, async () => {
    await expect(ingress({ [DELIVERY_ENV.dryRun]: 'yes' })).rejects.toThrow(
      `${DELIVERY_ENV.dryRun} must be true or false`,
    );
  });
});

describe('the ingress entry point outside Lambda (npm run invoke)', () => {
  it('keeps the dry run as its default', async () => {
    const handler = await ingress({ [PLATFORM_ENV.lambdaFunctionName]: '' });
    expect(await handler(eventBatch(customEvents(1)))).toMatchObject({ type: 'event_processing_response' });
  });
});
