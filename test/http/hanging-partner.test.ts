import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import type { FunctionUrlHandler } from '../../lambda/http';
import { httpInlineDeadlineMs } from '../../lambda/http/warm-up';
import { startHttpEndpoint, type HttpEndpoint } from '../../local/http-endpoint';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { useEntryPoints } from '../support/entry-points';
import { emulatorDeliveryEnv } from '../../local/local-function-env';
import { customEvents, eventBatch } from '../support/factories';
import { startKmsStandIn, type KmsStandIn } from '../support/kms-stand-in';
import { startHangingPartner } from '../support/hanging-partner';
import { TEST_KMS_KEY_ARN } from '../support/lambda-env';
import { DELIVERY_ENV, PLATFORM_ENV, TOKEN_ENV } from '../../lambda/config/environment';

/**
 * mParticle asks HTTP endpoints to answer within 100 ms. The HTTP function as deployed (its module loaded
 * fresh, as in a new container) with a partner that never answers: every call waits for the HTTP deadline,
 * then is spilled to the queue (fauxqs) with its secret sealed under a data key from KMS (a stand-in on
 * loopback, through the real SDK). The Lambda path's INLINE_DEADLINE_MS is set to 5 s, so an answer that used
 * it instead of HTTP_INLINE_DEADLINE_MS (50 ms) would take 5 s. Bounds are generous: they catch a hang or
 * the wrong deadline, not a slow machine.
 */
const TOKEN = 'tok_hanging_partner_test';
const LAMBDA_PATH_DEADLINE_MS = 5_000;

const load = useEntryPoints();
let sqs: SqsEmulator;
let kms: KmsStandIn;
let partner: { url: string; received: () => number; stop(): Promise<void> };
let endpoint: HttpEndpoint;
let warmedUp: Promise<void>;
let handler: FunctionUrlHandler;
let kmsCallsAtInit: string[];

beforeAll(async () => {
  sqs = await startSqsEmulator();
  kms = await startKmsStandIn({ latencyMs: 10 });
  partner = await startHangingPartner();
  ({ handler, warmedUp } = await load<{ handler: FunctionUrlHandler; warmedUp: Promise<void> }>(
    '../../lambda/handlers/http',
    {
      ...emulatorDeliveryEnv(sqs, partner.url),
      [DELIVERY_ENV.sealingKeyId]: TEST_KMS_KEY_ARN,
      [PLATFORM_ENV.kmsEndpoint]: kms.url,
      [DELIVERY_ENV.inlineDeadlineMs]: String(LAMBDA_PATH_DEADLINE_MS),
      [TOKEN_ENV.tokens]: TOKEN,
    },
  ));
  await warmedUp;
  kmsCallsAtInit = [...kms.calls];
  endpoint = await startHttpEndpoint({ port: 0, handler });
});

afterAll(async () => {
  await endpoint?.close();
  await partner?.stop();
  await kms?.stop();
  await sqs?.stop();
});

async function post(): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(`${endpoint.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Token ${TOKEN}` },
    body: JSON.stringify(eventBatch(customEvents(20))),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, ms: performance.now() - started, body };
}

describe('the HTTP function with a partner that never answers', () => {
  it('answers every call, the first of the container included, 202 within its own deadline, each call spilled to the queue', async () => {
    // Act
    const answers = [];
    for (let i = 0; i < 7; i += 1) answers.push(await post());

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ type: 'event_processing_response' });
      // Far above 100 ms (a loaded test machine), far below the Lambda path's 5 s: a hang or the wrong deadline fails.
      expect(answer.ms).toBeLessThan(LAMBDA_PATH_DEADLINE_MS / 2);
    }
    expect(partner.received()).toBeGreaterThan(0);
    expect(sqs.peek('delivery')).toHaveLength(answers.length);
  });

  it('fetched its data key once, during init, before any call needed it', async () => {
    // Act
    await post();

    // Assess
    expect(kmsCallsAtInit).toEqual(['TrentService.GenerateDataKey']);
    expect(kms.calls).toEqual(['TrentService.GenerateDataKey']);
  });
});

describe('the HTTP in-line deadline', () => {
  it('is HTTP_INLINE_DEADLINE_MS, by default well under mParticle’s 100 ms', () => {
    // Assess
    expect(httpInlineDeadlineMs({})).toBe(DELIVERY_DEFAULTS.httpInlineDeadlineMs);
    expect(DELIVERY_DEFAULTS.httpInlineDeadlineMs).toBeLessThanOrEqual(60);
    expect(
      httpInlineDeadlineMs({ [DELIVERY_ENV.httpInlineDeadlineMs]: '30', [DELIVERY_ENV.inlineDeadlineMs]: '500' }),
    ).toBe(30);
    expect(() => httpInlineDeadlineMs({ [DELIVERY_ENV.httpInlineDeadlineMs]: '-5' })).toThrow(
      DELIVERY_ENV.httpInlineDeadlineMs,
    );
  });
});
