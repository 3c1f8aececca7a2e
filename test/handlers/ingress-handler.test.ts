import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { customEvents, eventBatch } from '../support/factories';
import { DELIVERY_ENV, FUNCTION_ENV } from '../../lambda/config/environment';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
let handler: Handler;

beforeAll(async () => {
  // The Lambda entry point exactly as deployed, with delivery unset (dry run).
  delete process.env[DELIVERY_ENV.partnerApiUrl];
  delete process.env[DELIVERY_ENV.deliveryQueueUrl];
  process.env[FUNCTION_ENV.logLevel] = 'ERROR';
  ({ handler } = (await import('../../lambda/handlers/ingress')) as unknown as { handler: Handler });
});

describe('the ingress Lambda handler', () => {
  it('answers a parsed payload, as the Lambda runtime passes it', async () => {
    const response = await handler(eventBatch(customEvents(3)));
    expect(response).toMatchObject({ type: 'event_processing_response', firehose_version: '3.2.0' });
  });

  it('answers the registration sample', async () => {
    const sample = JSON.parse(
      readFileSync(path.join(__dirname, '../../events/module-registration.json'), 'utf8'),
    ) as unknown;
    expect(await handler(sample)).toMatchObject({ type: 'module_registration_response', name: 'Kit Test Webhook' });
  });

  it('fails bad input with an error naming the field and no stack trace', async () => {
    const error = await handler({ type: 'event_processing_request', id: 'x', events: [{}] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('events[0].type: is required');
    expect((error as Error).stack).toBe('FirehoseInputError: events[0].type: is required');
  });
});
