import { toSqsRecord } from '../../local/worker-runner';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SqsEmulator } from '../../local/sqs-emulator';

/**
 * What Lambda's SQS event source does around the worker, done by hand: receive the queued messages, hand
 * them to the handler as one SQSEvent, delete the ones it did not report as failed.
 */
export async function receiveSqsEvent(sqs: SqsEmulator, max = 10): Promise<{ event: SQSEvent; messages: Message[] }> {
  const out = await sqs.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: sqs.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const messages = out.Messages ?? [];
  return { messages, event: { Records: messages.map((message) => toRecord(message, sqs.queueArn)) } };
}

export async function deleteHandled(
  sqs: SqsEmulator,
  messages: readonly Message[],
  failedIds: readonly string[],
): Promise<void> {
  const done = messages.filter((m) => !failedIds.includes(m.MessageId ?? ''));
  if (done.length === 0) return;
  await sqs.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: sqs.queueUrl,
      Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
    }),
  );
}

/** Hands `received` to the worker as Lambda's event source would, and deletes what it did not report as failed. */
export async function handToWorker(
  sqs: SqsEmulator,
  worker: (event: SQSEvent) => Promise<SQSBatchResponse>,
  received: { readonly event: SQSEvent; readonly messages: readonly Message[] },
): Promise<SQSBatchResponse> {
  const response = await worker(received.event);
  await deleteHandled(
    sqs,
    received.messages,
    response.batchItemFailures.map((f) => f.itemIdentifier),
  );
  return response;
}

/** Lambda's SQS event source once: everything queued so far goes to the worker as one batch. */
export async function runWorkerOnce(
  sqs: SqsEmulator,
  worker: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<{ event: SQSEvent; response: SQSBatchResponse }> {
  const received = await receiveSqsEvent(sqs);
  return { event: received.event, response: await handToWorker(sqs, worker, received) };
}

/** A received message as the Lambda event source presents it. */
export function toRecord(message: Message, queueArn: string): SQSRecord {
  return toSqsRecord(message, queueArn, 'us-east-1');
}
