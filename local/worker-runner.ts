import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SqsBatchHandler } from '../lambda/delivery/worker-batch';

/**
 * What Lambda's SQS event source does, on one machine: long-polls a queue, hands batches to the worker
 * handler in the real SQSEvent shape, and deletes the records the handler did not report as failed.
 * Lets tests and `npm start` run the very handler code that runs in AWS.
 */
/** Lambda's limit on one invocation's payload, which its SQS event source keeps each batch under. */
export const MAX_EVENT_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface WorkerRunnerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn?: string;
  readonly handler: SqsBatchHandler;
  readonly batchSize?: number;
  readonly waitSeconds?: number;
  readonly onBatch?: (records: number, failures: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface WorkerRunner {
  stop(): Promise<void>;
}

export function startWorkerRunner(options: WorkerRunnerOptions): WorkerRunner {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options);
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** One receive → handle → delete round; returns how many records it handled. */
export async function pollOnce(options: WorkerRunnerOptions): Promise<number> {
  const out = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  const received = out.Messages ?? [];
  if (received.length === 0) return 0;
  const { messages, records, returned } = withinEventPayload(received, options.queueArn);
  if (returned.length > 0) {
    // What did not fit goes back at once, as the event source leaves it for a later batch.
    await options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: returned.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  const event: SQSEvent = { Records: records };
  const response = await options.handler(event);
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
  if (done.length > 0) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  options.onBatch?.(messages.length, failed.size);
  return messages.length;
}

/**
 * The leading messages whose records fit one invocation's payload (MAX_EVENT_PAYLOAD_BYTES, the event's
 * JSON as Lambda counts it), and the rest. The first record always goes: one message (1 MiB at most, about
 * twice that once escaped in JSON) always fits.
 */
export function withinEventPayload(
  received: readonly Message[],
  queueArn = 'arn:aws:sqs:local:000000000000:delivery',
): { messages: Message[]; records: SQSRecord[]; returned: Message[] } {
  const records: SQSRecord[] = [];
  let bytes = Buffer.byteLength('{"Records":[]}');
  for (const message of received) {
    const record = toSqsRecord(message, queueArn, 'local');
    const size = Buffer.byteLength(JSON.stringify(record)) + (records.length > 0 ? 1 : 0);
    if (records.length > 0 && bytes + size > MAX_EVENT_PAYLOAD_BYTES) break;
    records.push(record);
    bytes += size;
  }
  return { messages: received.slice(0, records.length), records, returned: received.slice(records.length) };
}

/** A received message as the Lambda SQS event source presents it to the worker. */
export function toSqsRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: attributes['SentTimestamp'] ?? String(Date.now()),
      SenderId: attributes['SenderId'] ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}
