import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Moves parked messages from the dead-letter queue back to the delivery queue, once the partner has fixed
 * their side. Each message is sent before it is deleted, so an interruption can duplicate (the idempotency
 * key makes that harmless) but never lose one. Bodies are moved unchanged: secrets stay sealed.
 */
export async function redrive(options: {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  queueUrl: string;
  max?: number;
  onMoved?: (count: number) => void;
}): Promise<number> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  while (moved < max) {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      await options.sqs.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: message.Body ?? '' }));
      await options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: options.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }),
      );
      moved++;
      options.onMoved?.(moved);
    }
  }
  return moved;
}
