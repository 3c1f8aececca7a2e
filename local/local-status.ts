import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { redrive, type RedriveReport } from '../lambda/delivery/redrive';
import type { PartnerServer } from './partner-api-stand-in';
import type { SqsEmulator } from './sqs-emulator';
import { deliveriesOf, type SystemStatus } from './status-page';
import type { SystemLog } from './system-log';

/** What the status page shows and its redrive button does, read from the running local system. */
export function localStatus(deps: {
  readonly sqs: SqsEmulator;
  readonly log: SystemLog;
  readonly partnerUrl: string;
  /** The local partner stand-in, when one was started. */
  readonly partner: PartnerServer | undefined;
}): { status(): Promise<SystemStatus>; redrive(max?: number): Promise<RedriveReport> } {
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

  const status = async (): Promise<SystemStatus> => ({
    startedAt: log.startedAt,
    partner: { url: deps.partnerUrl, local: partner !== undefined },
    queue: { url: sqs.queueUrl, ...(await depth(sqs.queueUrl)) },
    deadLetterQueue: { url: sqs.deadLetterQueueUrl, ...(await depth(sqs.deadLetterQueueUrl)) },
    invocations: log.recentInvocations(),
    refusedHttpCalls: log.recentRefusals(),
    deliveries: deliveriesOf(partner?.received ?? []),
    worker: log.workerTotals(),
  });

  const redriveLocal = async (max?: number): Promise<RedriveReport> => {
    const report = await redrive({
      sqs: sqs.sqs,
      queueUrl: sqs.queueUrl,
      deadLetterQueueUrl: sqs.deadLetterQueueUrl,
      ...(max === undefined ? {} : { max }),
    });
    log.activity(
      `redrive: moved ${report.moved} message(s) from the dead-letter queue back to the delivery queue` +
        (report.unopenable.length > 0 ? `, left ${report.unopenable.length} that cannot be opened` : ''),
    );
    return report;
  };

  return { status, redrive: redriveLocal };
}
