import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { redrive, type RedriveReport } from '../lambda/delivery/redrive';
import { queuesFromOutputs, type RedriveOptions } from './redrive-target';
import { PLATFORM_ENV } from '../lambda/config/environment';
import { UsageError } from './errors';

/** Runs a redrive against the target `parseRedriveArgs` chose; returns what it did (lambda/delivery/redrive.ts). */
export interface RedriveClients {
  /** Injected by tests (AWS itself is the one thing they fake). */
  readonly cloudFormation?: (region: string) => Pick<CloudFormationClient, 'send' | 'destroy'>;
  readonly sqs?: (config: { region?: string; endpoint?: string }) => SQSClient;
}

export async function runRedrive(
  options: RedriveOptions,
  clients: RedriveClients = {},
): Promise<RedriveReport & { from: string }> {
  const { target } = options;
  if (target.kind === 'local')
    return { ...(await redriveLocal(target.invokeUrl, options.max)), from: `the local system at ${target.invokeUrl}` };

  const queues = target.kind === 'queues' ? target : await stackQueues(target.stackName, target.region, clients);
  const config = {
    ...(queues.region ? { region: queues.region } : {}),
    ...(queues.endpoint ? { endpoint: queues.endpoint } : {}),
  };
  if (!config.region && !process.env[PLATFORM_ENV.awsRegion])
    throw new UsageError(`no region: pass --region R or set ${PLATFORM_ENV.awsRegion}`);
  const sqs = (clients.sqs ?? ((c) => new SQSClient(c)))(config);
  try {
    const report = await redrive({
      sqs,
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      ...(options.max === undefined ? {} : { max: options.max }),
    });
    return { ...report, from: queues.deadLetterQueueUrl };
  } finally {
    sqs.destroy();
  }
}

async function stackQueues(stackName: string, region: string, clients: RedriveClients) {
  const cfn = (clients.cloudFormation ?? ((r) => new CloudFormationClient({ region: r })))(region);
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return { ...queuesFromOutputs(stackName, out.Stacks?.[0]?.Outputs ?? []), region, endpoint: undefined };
  } finally {
    cfn.destroy();
  }
}

async function redriveLocal(invokeUrl: string, max: number | undefined): Promise<RedriveReport> {
  let response: Response;
  try {
    response = await fetch(`${invokeUrl}/_redrive${max === undefined ? '' : `?max=${max}`}`, {
      method: 'POST',
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    throw new Error(
      `no local system answers at ${invokeUrl}: start it with \`npm start\`, pass --local <its URL>, or name AWS queues (see --help)`,
    );
  }
  if (!response.ok) throw new Error(`the local system answered ${response.status} to POST /_redrive`);
  const report = (await response.json()) as Partial<RedriveReport> & { moved: number };
  // A local system started from an older checkout answers only `moved`.
  return { unopenable: [], parkedSince: 0, snapshot: report.moved, ...report };
}

/** The lines `npm run redrive` prints: what moved, and what it left parked and why. */
export function describeRedrive(report: RedriveReport & { from: string }): string[] {
  const lines = [
    `moved ${report.moved} message(s) from the dead-letter queue back to the delivery queue (${report.from})`,
  ];
  if (report.unopenable.length > 0) {
    lines.push(
      `left ${report.unopenable.length} message(s) parked that cannot be opened (redriving cannot deliver them):`,
      ...report.unopenable.map((u) => `  ${u.messageId}: ${u.reason}`),
    );
  }
  if (report.parkedSince > 0)
    lines.push(`left ${report.parkedSince} message(s) parked after this redrive began (run it again to move them)`);
  return lines;
}
