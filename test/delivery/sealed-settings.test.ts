import { randomBytes } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localKeySource, SealedSecretsUnreadableError, SecretBox } from '../../lambda/delivery/secret-box';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { membershipChange, profiles, SECRET_API_KEY } from '../support/factories';

/** Sealed settings that will never open are a typed, permanent error: parked with the reason, never retried. */

const localKey = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('opens what it sealed', async () => {
    const box = new SecretBox(localKeySource(localKey()));
    await expect(box.open(await box.seal({ apiKey: SECRET_API_KEY }))).resolves.toEqual({ apiKey: SECRET_API_KEY });
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
      const sealed = await change(await new SecretBox(localKeySource(key)).seal({ apiKey: SECRET_API_KEY }));
      // Act
      const opened = new SecretBox(localKeySource(openingKey ?? key)).open(sealed);
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

function flipFirstChar(base64: string): string {
  return (base64[0] === 'A' ? 'B' : 'A') + base64.slice(1);
}
