import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionUrlHandler } from '../../lambda/http';
import type { PartnerServer } from '../../local/partner-api-stand-in';
import type { SqsEmulator } from '../../local/sqs-emulator';
import { customEvents, eventBatch, membershipChange, profiles, SECRET_API_KEY } from '../support/factories';
import { type IngressHandler, useDeliveryEntryPoints, type WorkerHandler } from '../support/entry-points';
import { functionUrlEvent } from '../support/function-url-event';
import { GENEROUS_INLINE_DEADLINE_MS } from '../support/lambda-env';
import { runWorkerOnce } from '../support/sqs-event';
import { DELIVERY_ENV, TOKEN_ENV } from '../../lambda/config/environment';

/**
 * The three deployed entry points (lambda/handlers/{ingress,worker,http}.ts), each loaded fresh with the
 * environment the stack gives it, delivering for real: fauxqs as SQS, a node:http partner on loopback.
 * Lambda's SQS event source (receive → SQSEvent → delete) is played by hand.
 */

const TEST_PARTNER_CREDENTIAL = 'pk_partner_level_entry_test';
const HTTP_TOKEN = 'tok_entry_points';

const entry = useDeliveryEntryPoints();
let sqs: SqsEmulator;
let partner: PartnerServer;
let ingress: IngressHandler;
let worker: WorkerHandler;
let http: FunctionUrlHandler;

beforeAll(async () => {
  ({ sqs, partner } = entry);
  const env = {
    ...entry.deliveryEnv(),
    [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
    [DELIVERY_ENV.partnerCredential]: TEST_PARTNER_CREDENTIAL,
    [TOKEN_ENV.tokens]: HTTP_TOKEN,
    // In-line delivery is what these tests check, not the deadlines (test/http/hanging-partner.test.ts): on two
    // busy cores an in-line event batch was also spilled (and queued twice), and the ingress's cold first call,
    // readying its spill path as it waits, outran the 100 ms.
    [DELIVERY_ENV.httpInlineDeadlineMs]: '2000',
    [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
  };
  ingress = await entry.load('ingress', env);
  worker = await entry.load('worker', env);
  http = await entry.load('http', env);
});

/** mParticle's own DSR sample (Firehose Java SDK 3.2.0): no `account`, so no customer key. */
const officialDsr = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures/official/DsrProcessingRequest.json'), 'utf8')) as Record<
    string,
    unknown
  >;

const receivedFor = (requestId: unknown) =>
  partner.received.filter((r) => r.headers['idempotency-key'] === `${String(requestId)}:0`);

describe('the deployed entry points, delivering', () => {
  it('ingress: delivers an event batch in-line with the customer key', async () => {
    // Prepare
    const message = eventBatch(customEvents(3));
    // Act
    const response = await ingress(message);
    // Assess
    expect(response).toMatchObject({ type: 'event_processing_response' });
    const [received] = receivedFor(message['id']);
    expect(received).toMatchObject({ path: '/events', headers: { authorization: `Bearer ${SECRET_API_KEY}` } });
  });

  it('ingress → queue → worker: a membership change reaches the partner, its sealed key restored', async () => {
    // Prepare
    const message = membershipChange(profiles(2));
    // Act
    const response = await ingress(message);
    const queued = sqs.peek('delivery');
    const { event, response: batch } = await runWorkerOnce(sqs, worker);
    // Assess
    expect(response).toMatchObject({ type: 'audience_membership_change_response' });
    expect(queued.map((m) => m.body).join()).not.toContain(SECRET_API_KEY);
    expect(event.Records).toHaveLength(1);
    expect(batch.batchItemFailures).toEqual([]);
    const [received] = receivedFor(message['id']);
    expect(received).toMatchObject({
      path: '/audience-memberships',
      headers: { authorization: `Bearer ${SECRET_API_KEY}` },
    });
    expect(sqs.peek('delivery')).toEqual([]);
  });

  it("ingress → queue → worker: mParticle's official DSR sample (no account) reaches the partner with the partner credential", async () => {
    // Prepare
    const sample = officialDsr();
    // Act
    const response = await ingress(sample);
    const { response: batch } = await runWorkerOnce(sqs, worker);
    // Assess
    expect(response).toMatchObject({ type: 'dsr_processing_response' });
    expect(batch.batchItemFailures).toEqual([]);
    const [received] = receivedFor(sample['id']);
    expect(received).toMatchObject({
      path: '/erasures',
      headers: { authorization: `Bearer ${TEST_PARTNER_CREDENTIAL}` },
    });
    expect(JSON.parse(received?.bodyText ?? '{}')).toMatchObject({
      subject_request_id: sample['subject_request_id'],
      regulation: 'gdpr',
    });
    expect(sqs.peek('dead-letter')).toEqual([]);
  });

  it('worker: parks an erasure the partner refuses, never copying the partner credential it echoes into the DLQ', async () => {
    // Prepare: a partner that quotes the Authorization header back in its 401
    const sample = { ...officialDsr(), id: randomUUID() };
    partner.setFaults((request) =>
      request.path === '/erasures'
        ? { kind: 'status', status: 401, body: `credential refused: ${String(request.headers.authorization)}` }
        : undefined,
    );
    try {
      // Act
      await ingress(sample);
      const { response } = await runWorkerOnce(sqs, worker);
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const parked = sqs.peek('dead-letter');
      expect(parked).toHaveLength(1);
      expect(parked[0]?.attributes).toMatchObject({ status: '401', reason: 'partner answered 401' });
      expect(parked[0]?.attributes['excerpt']).toMatch(/^credential refused: /);
      expect(JSON.stringify(parked)).not.toContain(TEST_PARTNER_CREDENTIAL);
    } finally {
      partner.setFaults(() => undefined);
    }
  });

  it('http: delivers an event batch in-line (200) and queues a membership change (202) the worker delivers', async () => {
    // Prepare
    const batch = eventBatch(customEvents(2));
    const change = membershipChange(profiles(1));
    // Act
    const inline = await http(functionUrlEvent('/events', JSON.stringify(batch), HTTP_TOKEN), {} as Context);
    const queued = await http(functionUrlEvent('/audience', JSON.stringify(change), HTTP_TOKEN), {} as Context);
    const { response } = await runWorkerOnce(sqs, worker);
    // Assess
    expect(inline.statusCode).toBe(200);
    expect(queued.statusCode).toBe(202);
    expect(response.batchItemFailures).toEqual([]);
    expect(receivedFor(batch['id']).map((r) => r.path)).toEqual(['/events']);
    expect(receivedFor(change['id']).map((r) => r.path)).toEqual(['/audience-memberships']);
  });
});
