import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { kmsKeySource } from '../../lambda/delivery/kms-key-source';
import { SecretBox } from '../../lambda/delivery/secret-box';
import type { PartnerServer } from '../../local/partner-api-stand-in';
import type { SqsEmulator } from '../../local/sqs-emulator';
import { membershipChange, profiles, SECRET_API_KEY } from '../support/factories';
import { type IngressHandler, useDeliveryEntryPoints, type WorkerHandler } from '../support/entry-points';
import { TEST_KMS_KEY_ARN } from '../support/lambda-env';
import { handToWorker, receiveSqsEvent } from '../support/sqs-event';
import { DELIVERY_ENV } from '../../lambda/config/environment';
import { SEALING_ENCRYPTION_CONTEXT } from '../../lambda/delivery/infrastructure';

/**
 * Envelope encryption with KMS, the one part of AWS the tests fake: a KMS client that remembers the data
 * keys it made and, like KMS, refuses to decrypt one under another encryption context or altered.
 */
const kms = vi.hoisted(() => ({
  calls: [] as { command: string; input: Record<string, unknown> }[],
  keys: new Map<string, { plaintext: Uint8Array; context: string }>(),
}));

vi.mock('@aws-sdk/client-kms', async (importOriginal) => {
  const real = await importOriginal<typeof import('@aws-sdk/client-kms')>();
  const { randomBytes: random } = await import('node:crypto');
  class FakeKmsClient {
    async send(command: {
      constructor: { name: string };
      input: Record<string, unknown>;
    }): Promise<Record<string, unknown>> {
      kms.calls.push({ command: command.constructor.name, input: command.input });
      const context = JSON.stringify(command.input['EncryptionContext'] ?? {});
      if (command instanceof real.GenerateDataKeyCommand) {
        const plaintext = new Uint8Array(random(32));
        const blob = new Uint8Array(random(48));
        kms.keys.set(Buffer.from(blob).toString('base64'), { plaintext, context });
        return { Plaintext: plaintext, CiphertextBlob: blob, KeyId: command.input['KeyId'] };
      }
      if (command instanceof real.DecryptCommand) {
        const known = kms.keys.get(Buffer.from(command.input['CiphertextBlob'] as Uint8Array).toString('base64'));
        if (!known || known.context !== context)
          throw new real.InvalidCiphertextException({ message: 'invalid ciphertext', $metadata: {} });
        return { Plaintext: known.plaintext, KeyId: command.input['KeyId'] };
      }
      throw new Error(`unexpected KMS call ${command.constructor.name}`);
    }
    destroy(): void {}
  }
  return { ...real, KMSClient: FakeKmsClient };
});

const entry = useDeliveryEntryPoints();
let sqs: SqsEmulator;
let partner: PartnerServer;
let ingress: IngressHandler;
let worker: WorkerHandler;

beforeAll(async () => {
  ({ sqs, partner } = entry);
  const env = { ...entry.deliveryEnv(), [DELIVERY_ENV.sealingKeyId]: TEST_KMS_KEY_ARN };
  ingress = await entry.load('ingress', env);
  worker = await entry.load('worker', env);
});

beforeEach(() => {
  kms.calls.length = 0;
});

interface QueuedBody {
  sealed: { key: string; iv: string; tag: string; data: string };
}

/** Queues one membership change through the ingress and receives its message as the event source would. */
async function queueAndReceive() {
  const message = membershipChange(profiles(1));
  await ingress(message);
  const received = await receiveSqsEvent(sqs);
  expect(received.event.Records).toHaveLength(1);
  return { message, ...received };
}

/** Flips one bit of a base64 field of the sealed settings. */
function tamper(body: string, field: keyof QueuedBody['sealed']): string {
  const parsed = JSON.parse(body) as QueuedBody;
  const bytes = Buffer.from(parsed.sealed[field], 'base64');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
  parsed.sealed[field] = bytes.toString('base64');
  return JSON.stringify(parsed);
}

describe('KMS sealing through the deployed entry points', () => {
  it('seals with GenerateDataKey and opens with Decrypt, both bound to the key and the sealing encryption context', async () => {
    // Prepare + Act
    const { message, event, messages } = await queueAndReceive();
    const response = await handToWorker(sqs, worker, { event, messages });
    // Assess
    const body = JSON.parse(event.Records[0]?.body ?? '{}') as QueuedBody;
    expect(event.Records[0]?.body).not.toContain(SECRET_API_KEY);
    expect(kms.calls.map((c) => c.command)).toEqual(['GenerateDataKeyCommand', 'DecryptCommand']);
    expect(kms.calls[0]?.input).toEqual({
      KeyId: TEST_KMS_KEY_ARN,
      KeySpec: 'AES_256',
      EncryptionContext: SEALING_ENCRYPTION_CONTEXT,
    });
    expect(kms.calls[1]?.input).toMatchObject({
      KeyId: TEST_KMS_KEY_ARN,
      EncryptionContext: SEALING_ENCRYPTION_CONTEXT,
    });
    expect(Buffer.from(kms.calls[1]?.input['CiphertextBlob'] as Uint8Array).toString('base64')).toBe(body.sealed.key);
    expect(response.batchItemFailures).toEqual([]);
    const delivered = partner.received.filter((r) => r.headers['idempotency-key'] === `${String(message['id'])}:0`);
    expect(delivered.map((r) => r.headers['authorization'])).toEqual([`Bearer ${SECRET_API_KEY}`]);
  });

  it.each([
    ['a bit of the ciphertext', 'data'],
    ['a bit of the encrypted data key, which KMS refuses', 'key'],
  ] as const)('parks a message with %s flipped, with its reason, instead of retrying it', async (_name, field) => {
    // Prepare
    const { message, event, messages } = await queueAndReceive();
    const record = event.Records[0];
    if (!record) throw new Error('no record');
    const parkedBefore = sqs.peek('dead-letter').length;
    // Act
    const tampered = { Records: [{ ...record, body: tamper(record.body, field) }] };
    const response = await handToWorker(sqs, worker, { event: tampered, messages });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const parked = sqs.peek('dead-letter').slice(parkedBefore);
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes['reason']).toBe('sealed settings do not decrypt');
    expect(parked[0]?.body).not.toContain(SECRET_API_KEY);
    expect(partner.received.filter((r) => r.headers['idempotency-key'] === `${String(message['id'])}:0`)).toEqual([]);
    expect(sqs.peek('delivery')).toEqual([]);
  });
});

describe('kmsKeySource with an injected client', () => {
  it('makes one data key per container for many seals and decrypts each distinct data key once', async () => {
    // Prepare
    const { KMSClient } = await import('@aws-sdk/client-kms');
    const box = new SecretBox(kmsKeySource(TEST_KMS_KEY_ARN, { client: new KMSClient({}) }));
    // Act
    const call = { requestType: 'event_processing_request', path: '/events', idempotencyKey: 'r:0' };
    const [first, second] = await Promise.all([box.seal({ apiKey: 'a' }, call), box.seal({ apiKey: 'b' }, call)]);
    const opened = [await box.open(first, call), await box.open(second, call)];
    // Assess
    expect(opened).toEqual([{ apiKey: 'a' }, { apiKey: 'b' }]);
    expect(kms.calls.map((c) => c.command)).toEqual(['GenerateDataKeyCommand', 'DecryptCommand']);
    expect(first.key).toBe(second.key);
    expect(first.data).not.toBe(second.data);
  });
});
