import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { UNOPENABLE_ATTRIBUTE } from './delivery-queue';

/** What one redrive did. */
export interface RedriveReport {
  /** Moved back to the delivery queue. */
  readonly moved: number;
  /** Left in the dead-letter queue: parked because they can never be opened, so redriving cannot help. */
  readonly unopenable: readonly { readonly messageId: string; readonly reason: string }[];
  /** Left in the dead-letter queue: parked after this redrive began (for the next run, if it is wanted). */
  readonly parkedSince: number;
  /** How many messages the dead-letter queue held when the redrive began (SQS's approximate count). */
  readonly snapshot: number;
}

/**
 * Moves parked messages from the dead-letter queue back to the delivery queue, once the partner has fixed
 * their side. Each message is sent before it is deleted, so an interruption can duplicate (the idempotency
 * key makes that harmless) but never lose one. Bodies are moved unchanged: secrets stay sealed.
 *
 * It moves only what was parked when it began (the queue's count then, and each message's `SentTimestamp`
 * before the start), reports and ends: while the partner still refuses, the worker parks each moved message
 * again within milliseconds, and a redrive that took those too would never end. Messages parked because
 * they cannot be opened (claim-check object gone, sealed settings that do not decrypt, an unreadable
 * message) are reported and left where they are: moving them only parks them again.
 */
export async function redrive(options: {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  queueUrl: string;
  max?: number;
  onMoved?: (count: number) => void;
  /** @default Date.now */
  now?: () => number;
}): Promise<RedriveReport> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const startedAt = (options.now ?? Date.now)();
  const snapshot = await depth(options.sqs, options.deadLetterQueueUrl);
  const seen = new Set<string>();
  const unopenable: { messageId: string; reason: string }[] = [];
  const leftInPlace: string[] = [];
  let moved = 0;
  let parkedSince = 0;
  let older = 0;
  // Bounded however the queue behaves: each message is looked at once, at most twice the snapshot in all.
  while (moved < max && older < snapshot && seen.size < 2 * snapshot + 10) {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max - moved)),
        WaitTimeSeconds: 1,
        // Messages left in place stay hidden for the rest of the run, so they are not received again.
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ['SentTimestamp'],
        MessageAttributeNames: [UNOPENABLE_ATTRIBUTE, 'reason'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const id = message.MessageId ?? '';
      if (seen.has(id)) continue;
      seen.add(id);
      const sent = Number(message.Attributes?.SentTimestamp);
      if (Number.isFinite(sent) && sent >= startedAt) {
        parkedSince++;
        leftInPlace.push(message.ReceiptHandle ?? '');
        continue;
      }
      older++;
      if (message.MessageAttributes?.[UNOPENABLE_ATTRIBUTE]?.StringValue === 'true') {
        unopenable.push({ messageId: id, reason: message.MessageAttributes['reason']?.StringValue ?? 'unknown' });
        leftInPlace.push(message.ReceiptHandle ?? '');
        continue;
      }
      if (moved >= max) {
        leftInPlace.push(message.ReceiptHandle ?? '');
        continue;
      }
      await options.sqs.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: message.Body ?? '' }));
      await options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: options.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }),
      );
      moved++;
      options.onMoved?.(moved);
    }
  }
  // What stays parked is visible again at once, for the operator to look at (best effort).
  await Promise.all(
    leftInPlace.map((ReceiptHandle) =>
      options.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: options.deadLetterQueueUrl,
            ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .catch(() => undefined),
    ),
  );
  return { moved, unopenable, parkedSince, snapshot };
}

/** Messages in the queue, ready and in flight (a message hidden by an earlier, interrupted run included). */
async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a['ApproximateNumberOfMessages'] ?? 0) + Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0);
}
