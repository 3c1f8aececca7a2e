import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { redrive, type RedriveReport } from '../lambda/delivery/redrive';
import type { PartnerServer } from './partner-api-stand-in';
import type { SqsEmulator } from './sqs-emulator';
import { type DeadLetterRecord, deliveriesOf, type SystemStatus } from './status-page';
import type { SystemLog } from './system-log';

/** Parked messages the status page lists (the dead-letter queue may hold more; the depth says how many). */
const DEAD_LETTERS_SHOWN = 50;
/** How often the queues' depth is sampled for the chart. */
const DEPTH_SAMPLE_MS = 1_000;

/** What the status page shows and its redrive button does, read from the running local system. */
export function localStatus(deps: {
  readonly sqs: SqsEmulator;
  readonly log: SystemLog;
  readonly partnerUrl: string;
  /** The local partner stand-in, when one was started. */
  readonly partner: PartnerServer | undefined;
}): { status(): Promise<SystemStatus>; redrive(max?: number): Promise<RedriveReport>; stop(): void } {
  const { sqs, log, partner } = deps;
  const depth = async (queueUrl: string) => {
    const out = await sqs.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0),
    };
  };

  // Reading the dead-letter queue hides its messages for a moment: a redrive then would miss them. One
  // at a time, in the order asked.
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** The parked messages with their reasons, read and put back at once (SQS has no peek). */
  const deadLetters = (): Promise<DeadLetterRecord[]> =>
    oneAtATime(async () => {
      const seen = new Map<string, Message>();
      try {
        while (seen.size < DEAD_LETTERS_SHOWN) {
          const out = await sqs.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: sqs.deadLetterQueueUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 30,
              WaitTimeSeconds: 0,
              MessageAttributeNames: ['All'],
              MessageSystemAttributeNames: ['SentTimestamp'],
            }),
          );
          const fresh = (out.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
          if (fresh.length === 0) break;
          for (const message of fresh) seen.set(message.MessageId ?? '', message);
        }
      } finally {
        const messages = [...seen.values()];
        for (let i = 0; i < messages.length; i += 10) {
          await sqs.sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: sqs.deadLetterQueueUrl,
              Entries: messages
                .slice(i, i + 10)
                .map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
            }),
          );
        }
      }
      return [...seen.values()].map(deadLetterOf).sort((a, b) => b.parkedAt.localeCompare(a.parkedAt));
    });

  const sampler = setInterval(() => {
    void Promise.all([depth(sqs.queueUrl), depth(sqs.deadLetterQueueUrl)]).then(
      ([queued, parked]) => log.depth(queued.visible + queued.inFlight, parked.visible + parked.inFlight),
      () => undefined, // the emulator stopping: the next sample, if any, says more
    );
  }, DEPTH_SAMPLE_MS);
  sampler.unref();

  const status = async (): Promise<SystemStatus> => ({
    startedAt: log.startedAt,
    partner: { url: deps.partnerUrl, local: partner !== undefined },
    queue: { url: sqs.queueUrl, ...(await depth(sqs.queueUrl)) },
    deadLetterQueue: { url: sqs.deadLetterQueueUrl, ...(await depth(sqs.deadLetterQueueUrl)) },
    invocations: log.recentInvocations(),
    refusedHttpCalls: log.recentRefusals(),
    deliveries: deliveriesOf(partner?.received ?? []),
    deadLetters: await deadLetters(),
    redrives: log.recentRedrives(),
    worker: log.workerTotals(),
    history: { latency: log.latencyHistory(), depth: log.depthHistory() },
  });

  const redriveLocal = (max?: number): Promise<RedriveReport> =>
    oneAtATime(async () => {
      const report = await redrive({
        sqs: sqs.sqs,
        queueUrl: sqs.queueUrl,
        deadLetterQueueUrl: sqs.deadLetterQueueUrl,
        ...(max === undefined ? {} : { max }),
      });
      log.redriven(report.moved, report.unopenable.length);
      return report;
    });

  return { status, redrive: redriveLocal, stop: () => clearInterval(sampler) };
}

/** A parked message as the page shows it: its reason and the call it carries, never its body or secrets. */
function deadLetterOf(message: Message): DeadLetterRecord {
  const attribute = (name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;
  const sent = Number(message.Attributes?.['SentTimestamp']);
  let call: { path?: unknown; idempotencyKey?: unknown; requestType?: unknown } = {};
  try {
    call = JSON.parse(message.Body ?? '') as typeof call;
  } catch {
    // A body that is not a queue message (written by hand): the reason still says why it is here.
  }
  const status = attribute('status');
  const excerpt = attribute('excerpt');
  return {
    parkedAt: attribute('parkedAt') ?? (Number.isFinite(sent) ? new Date(sent).toISOString() : ''),
    reason: attribute('reason') ?? 'unknown',
    ...(status === undefined ? {} : { status: Number(status) }),
    attempts: Number(attribute('attempts') ?? 0),
    ...(excerpt === undefined ? {} : { excerpt }),
    path: typeof call.path === 'string' ? call.path : '',
    idempotencyKey: typeof call.idempotencyKey === 'string' ? call.idempotencyKey : '',
    requestType: typeof call.requestType === 'string' ? call.requestType : '',
  };
}
