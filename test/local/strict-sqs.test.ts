import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSServiceException,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';

// The strict layer in front of the emulator refuses what SQS refuses, and the real SDK surfaces SQS's code.
let emulator: SqsEmulator;
let smallQueueUrl: string;
const SMALL_QUEUE_BYTES = 2_048;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  const created = await emulator.sqs.send(
    new CreateQueueCommand({
      QueueName: 'strict-small',
      Attributes: { MaximumMessageSize: String(SMALL_QUEUE_BYTES) },
    }),
  );
  smallQueueUrl = created.QueueUrl ?? '';
});
afterAll(async () => {
  await emulator?.stop();
});

/** The SQS error a send produced: its code (the SDK's `name`) and message. */
async function refusal(send: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await send();
  } catch (error) {
    if (error instanceof SQSServiceException) return { code: error.name, message: error.message };
    throw error;
  }
  throw new Error('expected SQS to refuse the request, but it was accepted');
}

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const sendTo = (QueueUrl: string, input: Partial<ConstructorParameters<typeof SendMessageCommand>[0]>) => () =>
  emulator.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ok', ...input }));

describe('the strict layer refuses what SQS refuses', () => {
  it.each([
    ['U+0000 in a body', { MessageBody: 'a\u0000b' }],
    ['a lone surrogate in a body', { MessageBody: 'cut here \uD83D' }],
    ['U+FFFE in a body', { MessageBody: 'a\uFFFEb' }],
    ['U+0000 in a string attribute', { MessageAttributes: { reason: text('gzip \u0000\u001f\u008b') } }],
    ['a lone surrogate in a string attribute', { MessageAttributes: { reason: text('excerpt \uDE00') } }],
  ])('%s: InvalidMessageContents', async (_name, input) => {
    // Act
    const out = await refusal(sendTo(emulator.queueUrl, input));

    // Assess
    expect(out.code).toBe('InvalidMessageContents');
  });

  it('accepts every allowed character in an attribute, a supplementary-plane pair included', async () => {
    // Act
    const sent = await sendTo(emulator.queueUrl, {
      MessageAttributes: { reason: text('tab\there \u00e9 \uD7FF \uE000 \uFFFD \u{1F600} \u{10FFFF}') },
    })();

    // Assess
    expect(sent.MessageId).toBeTruthy();
  });

  it('refuses a message over the queue size limit, attributes counted, and accepts one at the limit', async () => {
    // Prepare: body + name + type + value, as SQS counts them.
    const attributes = { note: text('x'.repeat(40)) };
    const attributeBytes = 'note'.length + 'String'.length + 40;

    // Act
    const over = await refusal(
      sendTo(smallQueueUrl, {
        MessageBody: 'b'.repeat(SMALL_QUEUE_BYTES - attributeBytes + 1),
        MessageAttributes: attributes,
      }),
    );
    const atLimit = await sendTo(smallQueueUrl, {
      MessageBody: 'b'.repeat(SMALL_QUEUE_BYTES - attributeBytes),
      MessageAttributes: attributes,
    })();

    // Assess
    expect(over.code).toBe('InvalidParameterValue');
    expect(over.message).toContain(`shorter than ${SMALL_QUEUE_BYTES} bytes`);
    expect(atLimit.MessageId).toBeTruthy();
  });

  it("follows a queue's new size limit after SetQueueAttributes", async () => {
    // Prepare: a queue of 1,024 bytes, then raised to 4,096.
    const queue = await emulator.sqs.send(
      new CreateQueueCommand({ QueueName: 'strict-resized', Attributes: { MaximumMessageSize: '1024' } }),
    );
    const QueueUrl = queue.QueueUrl ?? '';
    const before = await refusal(sendTo(QueueUrl, { MessageBody: 'r'.repeat(3_000) }));
    await emulator.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MaximumMessageSize: '4096' } }));

    // Act
    const after = await sendTo(QueueUrl, { MessageBody: 'r'.repeat(3_000) })();

    // Assess
    expect(before.code).toBe('InvalidParameterValue');
    expect(after.MessageId).toBeTruthy();
  });

  it('refuses more than 10 message attributes', async () => {
    // Prepare
    const attributes = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text('v')]));

    // Act
    const out = await refusal(sendTo(emulator.queueUrl, { MessageAttributes: attributes }));

    // Assess
    expect(out).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('[11]') });
  });

  it('refuses a delay over 900 s', async () => {
    // Act
    const out = await refusal(sendTo(emulator.queueUrl, { DelaySeconds: 901 }));

    // Assess
    expect(out).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('DelaySeconds') });
  });

  it('refuses a visibility timeout over 12 hours', async () => {
    // Prepare
    await sendTo(emulator.queueUrl, { MessageBody: 'to hold' })();
    const received = await emulator.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl, WaitTimeSeconds: 0 }),
    );
    const handle = received.Messages?.[0]?.ReceiptHandle ?? '';

    // Act
    const out = await refusal(() =>
      emulator.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: emulator.queueUrl,
          ReceiptHandle: handle,
          VisibilityTimeout: 43_201,
        }),
      ),
    );

    // Assess
    expect(out).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('VisibilityTimeout') });
  });

  it('refuses a change that keeps a message invisible more than 12 hours after its receive', async () => {
    // Prepare: received, then a second passes.
    const queue = await emulator.sqs.send(new CreateQueueCommand({ QueueName: 'strict-visibility-total' }));
    const QueueUrl = queue.QueueUrl ?? '';
    await sendTo(QueueUrl, { MessageBody: 'held long' })();
    const received = await emulator.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    const ReceiptHandle = received.Messages?.[0]?.ReceiptHandle ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const change = (VisibilityTimeout: number) => () =>
      emulator.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));

    // Act
    const over = await refusal(change(43_200));
    await change(43_000)();

    // Assess
    expect(over).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('Total VisibilityTimeout'),
    });
  });

  it('refuses a batch of more than 10 entries', async () => {
    // Prepare
    const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));

    // Act
    const out = await refusal(() =>
      emulator.sqs.send(new SendMessageBatchCommand({ QueueUrl: emulator.queueUrl, Entries })),
    );

    // Assess
    expect(out.code).toBe('TooManyEntriesInBatchRequest');
  });

  it('refuses a batch over 1 MiB in total, though each message fits', async () => {
    // Prepare: two messages of 600,000 bytes on a queue of 1 MiB.
    const Entries = [0, 1].map((i) => ({ Id: `big${i}`, MessageBody: 'y'.repeat(600_000) }));

    // Act
    const out = await refusal(() =>
      emulator.sqs.send(new SendMessageBatchCommand({ QueueUrl: emulator.queueUrl, Entries })),
    );

    // Assess
    expect(out.code).toBe('BatchRequestTooLong');
  });

  it('reports refused batch entries under Failed, as SQS does, and sends the rest', async () => {
    // Prepare
    const queue = await emulator.sqs.send(new CreateQueueCommand({ QueueName: 'strict-batch' }));
    const QueueUrl = queue.QueueUrl ?? '';
    const Entries = [
      { Id: 'good', MessageBody: 'fine' },
      { Id: 'nul', MessageBody: 'fine', MessageAttributes: { reason: text('\u0000') } },
      { Id: 'late', MessageBody: 'fine', DelaySeconds: 1_000 },
    ];

    // Act
    const out = await emulator.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    const received = await emulator.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );

    // Assess
    expect(out.Successful?.map((s) => s.Id)).toEqual(['good']);
    expect(out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual([
      ['nul', 'InvalidMessageContents', true],
      ['late', 'InvalidParameterValue', true],
    ]);
    expect(received.Messages).toHaveLength(1);
    expect(emulator.refusals.map((r) => r.code)).toContain('InvalidMessageContents');
  });
});
