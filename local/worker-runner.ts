import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SqsBatchHandler } from '../lambda/delivery/worker-batch';

/**
 * What Lambda's SQS event source does, on one machine: long-polls a queue, hands batches to the worker
 * handler in the real SQSEvent shape, and deletes the records the handler did not report as failed.
 * Lets tests and `npm start` run the very handler code that runs in AWS.
 */
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
  const messages = out.Messages ?? [];
  if (messages.length === 0) return 0;
  const event: SQSEvent = {
    Records: messages.map((m) =>
      toSqsRecord(m, options.queueArn ?? 'arn:aws:sqs:local:000000000000:delivery', 'local'),
    ),
  };
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
