import { createCipheriv, randomBytes } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localKeySource, SecretBox } from '../../lambda/delivery/secret-box';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { account, membershipChange, profiles, SECRET_API_KEY } from '../support/factories';
import { SealedSecretsUnreadableError } from '../../lambda/delivery/errors';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/** Sealed settings that will never open are a typed, permanent error: parked with the reason, never retried. */

const localKey = () => randomBytes(32).toString('base64');
const CALL = { requestType: 'audience_membership_change_request', accountId: 1, path: '/p', idempotencyKey: 'r:0' };

describe('SecretBox', () => {
  it('opens what it sealed', async () => {
    const box = new SecretBox(localKeySource(localKey()));
    await expect(box.open(await box.seal({ apiKey: SECRET_API_KEY }, CALL), CALL)).resolves.toEqual({
      apiKey: SECRET_API_KEY,
    });
  });

  it.each([
    ['sealed under another key', async (sealed: Awaited<ReturnType<SecretBox['seal']>>) => sealed, localKey()],
    [
      'tampered with',
      async (sealed: Awaited<ReturnType<SecretBox['seal']>>) => ({ ...sealed, data: flipFirstChar(sealed.data) }),
      undefined,
    ],
    [
      'sealed with a KMS data key where only a local key is set',
      async (sealed: Awaited<ReturnType<SecretBox['seal']>>) => ({ ...sealed, key: 'AQID' }),
      undefined,
    ],
  ])(
    'refuses settings %s with a SealedSecretsUnreadableError that shows no secret',
    async (_name, change, openingKey) => {
      // Prepare
      const key = localKey();
      const sealed = await change(await new SecretBox(localKeySource(key)).seal({ apiKey: SECRET_API_KEY }, CALL));
      // Act
      const opened = new SecretBox(localKeySource(openingKey ?? key)).open(sealed, CALL);
      // Assess
      await expect(opened).rejects.toBeInstanceOf(SealedSecretsUnreadableError);
      await expect(opened).rejects.not.toThrow(SECRET_API_KEY);
    },
  );
});

const start = stoppedAfterEach(startDeliverySystem);

describe('the worker with a queue message whose sealed settings do not open', () => {
  it('parks it at once with the reason and never calls the partner', async () => {
    // Prepare: a real queued message, tampered with in the queue.
    const system = await start();
    const { sqs } = system;
    await system.ingress.handle(membershipChange(profiles(2)));
    const out = await sqs.sqs.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 1 }));
    const [message] = out.Messages ?? [];
    const body = JSON.parse(message?.Body ?? '{}') as { sealed: { data: string } };
    body.sealed.data = flipFirstChar(body.sealed.data);
    await sqs.sqs.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: JSON.stringify(body) }));
    await sqs.sqs.send(
      new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: message?.ReceiptHandle ?? '' }),
    );
    // Act
    await system.drain();
    // Assess
    const parked = await system.deadLetters();
    expect(parked.map((l) => l.attributes['reason'])).toEqual(['sealed settings do not decrypt']);
    expect(parked[0]?.attributes['attempts']).toBe('1');
    expect(system.partner.received).toHaveLength(0);
  });
});

describe('sealed settings are bound to their queue message (AES-GCM additional authenticated data)', () => {
  const settingsOf = (apiKey: string) => ({ account: account({ account_settings: { apiKey } }) });

  /** Two real queued messages of two customers; returns their bodies as the queue holds them. */
  async function twoQueued(system: Awaited<ReturnType<typeof start>>) {
    await system.ingress.handle(membershipChange(profiles(1), settingsOf('key-of-customer-a')));
    await system.ingress.handle(membershipChange(profiles(1), settingsOf('key-of-customer-b')));
    const out = await system.sqs.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: system.sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    for (const m of messages)
      await system.sqs.sqs.send(
        new DeleteMessageCommand({ QueueUrl: system.sqs.queueUrl, ReceiptHandle: m.ReceiptHandle ?? '' }),
      );
    return messages.map((m) => JSON.parse(m.Body ?? '{}') as { idempotencyKey: string; sealed: SealedBlob });
  }
  const requeue = (system: Awaited<ReturnType<typeof start>>, body: unknown) =>
    system.sqs.sqs.send(new SendMessageCommand({ QueueUrl: system.sqs.queueUrl, MessageBody: JSON.stringify(body) }));

  it('parks a message whose sealed settings were moved in from another message, calling nobody with them', async () => {
    // Prepare: customer A's sealed key swapped into B's message and back.
    const system = await start();
    const [a, b] = await twoQueued(system);
    if (!a || !b) throw new Error('expected two queued messages');
    await requeue(system, { ...a, sealed: b.sealed });
    await requeue(system, { ...b, sealed: a.sealed });
    // Act
    await system.drain();
    // Assess
    const parked = await system.deadLetters();
    expect(parked.map((l) => l.attributes['reason'])).toEqual([
      'sealed settings do not decrypt',
      'sealed settings do not decrypt',
    ]);
    expect(system.partner.received).toEqual([]);
  });

  it('still opens a message sealed in the old form (no binding), as queued before the upgrade', async () => {
    // Prepare: the settings sealed as the kit sealed them before, under the system's local key.
    const system = await start();
    const [a] = await twoQueued(system);
    if (!a) throw new Error('expected a queued message');
    const key = Buffer.from(system.env[DELIVERY_ENV.localSealingKey] ?? '', 'base64');
    await requeue(system, { ...a, sealed: sealOldForm(key, { apiKey: 'key-sealed-before-the-upgrade' }) });
    // Act
    await system.drain();
    // Assess
    expect(await system.deadLetters()).toEqual([]);
    expect(system.partner.accepted.map((r) => r.headers['authorization'])).toEqual([
      'Bearer key-sealed-before-the-upgrade',
    ]);
  });

  it('SecretBox refuses a blob opened for another call, and opens it for its own', async () => {
    const box = new SecretBox(localKeySource(localKey()));
    const call = CALL;
    const sealed = await box.seal({ apiKey: SECRET_API_KEY }, call);
    await expect(box.open(sealed, call)).resolves.toEqual({ apiKey: SECRET_API_KEY });
    await expect(box.open(sealed, { ...call, idempotencyKey: 'r:1' })).rejects.toBeInstanceOf(
      SealedSecretsUnreadableError,
    );
    await expect(box.open(sealed, { ...call, accountId: 2 })).rejects.toBeInstanceOf(SealedSecretsUnreadableError);
  });
});

type SealedBlob = { key: string; iv: string; tag: string; data: string };

/** The envelope as sealed before it was bound to its message: AES-256-GCM without additional data. */
function sealOldForm(key: Buffer, secrets: Record<string, string>): SealedBlob {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return {
    key: 'local',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

function flipFirstChar(base64: string): string {
  return (base64[0] === 'A' ? 'B' : 'A') + base64.slice(1);
}
