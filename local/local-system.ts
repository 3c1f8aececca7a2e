import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createCoreDependencies } from '../lambda/delivery/create-delivery';
import { createWorkerDependencies } from '../lambda/delivery/create-worker';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { redrive } from '../lambda/delivery/redrive';
import { createWorkerBatchHandler } from '../lambda/delivery/worker-batch';
import { integration } from '../lambda/integration';
import { createLogger } from '../lambda/observability/logger';
import { createIngressRuntime } from '../lambda/runtime/ingress-runtime';
import { createHttpHandler, tokenSourceFromEnv } from '../lambda/http';
import { startHttpEndpoint } from './http-endpoint';
import { startInvokeApi, type LocalFunction } from './lambda-invoke-api';
import { startPartnerServer, type PartnerServer } from './partner-api-stand-in';
import { startSqsEmulator } from './sqs-emulator';
import { createStatusRoutes, type SystemStatus } from './status-page';
import { SystemLog, type InvocationRecord } from './system-log';
import { startWorkerRunner } from './worker-runner';

/**
 * The whole system on one machine, as `npm start` runs it: a Lambda Invoke API endpoint running the
 * ingress and worker handlers, the SQS emulator with the stack's queues, the worker polling them, a local
 * partner API (unless PARTNER_API_URL points elsewhere) and a status page. No Docker, no AWS.
 */

export const LOCAL_FUNCTION_NAMES = { ingress: 'firehose-ingress', worker: 'firehose-worker' } as const;
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalSystemOptions {
  readonly invokePort: number;
  /** The HTTP variant's port (`/firehose` and the per-kind routes). */
  readonly httpPort: number;
  readonly partnerPort: number;
  readonly sqsPort: number;
  readonly region: string;
  /** An external partner API; when unset the local stand-in is started. */
  readonly partnerApiUrl?: string;
  /** Extra env for the functions (DELIVERY_BUDGET_SECONDS, BACKOFF_BASE_MS, INLINE_DEADLINE_MS, …). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Called after each invocation of the ingress (e.g. to print a line). */
  readonly onInvocation?: (record: InvocationRecord) => void;
}

export interface LocalSystem {
  readonly invokeUrl: string;
  /** Base URL of the HTTP variant; POST to `${httpUrl}/firehose`. */
  readonly httpUrl: string;
  readonly partnerUrl: string;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly functionEnv: Readonly<Record<string, string>>;
  /** The local partner stand-in, when one was started. */
  readonly partner: PartnerServer | undefined;
  status(): Promise<SystemStatus>;
  stop(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const logger = options.logger ?? createLogger('firehose-local');
  const sqs = await startSqsEmulator({ port: options.sqsPort });
  const partner = options.partnerApiUrl ? undefined : await startPartnerServer({ port: options.partnerPort });
  const partnerUrl = options.partnerApiUrl ?? (partner as PartnerServer).url;

  const functionEnv: Record<string, string> = {
    LOCAL_SEALING_KEY: randomBytes(32).toString('base64'),
    FIREHOSE_TOKENS: 'local-token',
    ...Object.fromEntries(Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')),
    PARTNER_API_URL: partnerUrl,
    DELIVERY_QUEUE_URL: sqs.queueUrl,
    DEAD_LETTER_QUEUE_URL: sqs.deadLetterQueueUrl,
    SQS_ENDPOINT: sqs.endpoint,
  };
  // Bare emulator clients need a region and credentials; these never leave the machine.
  process.env['AWS_REGION'] ??= options.region;
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';

  const log = new SystemLog(options.onInvocation);
  const ingressDeps = createCoreDependencies(integration, functionEnv, logger);
  // Both entry points (Invoke API and HTTP) share this runtime; the observer feeds the status page.
  const ingress = createIngressRuntime(ingressDeps, logger, {
    handled: (summary, ms) => log.invocation({ type: summary.type, outcome: summary.outcome, ms, calls: summary.calls }),
    rejected: (error, ms) => log.invocation({ type: 'invalid', outcome: 'rejected', ms, calls: 0, error }),
    failed: (error, ms) => log.invocation({ type: 'failed', outcome: 'error', ms, calls: 0, error }),
  });
  const workerHandler = createWorkerBatchHandler(createWorkerDependencies(integration, functionEnv, logger));

  const functions: LocalFunction[] = [
    {
      name: LOCAL_FUNCTION_NAMES.ingress,
      description: 'mParticle Firehose ingress (what mParticle invokes)',
      // The raw payload, so 64-bit integers stay exact (the AWS runtime would have parsed it already).
      invoke: async (payload) => (await ingress.handle(payload)).response,
    },
    {
      name: LOCAL_FUNCTION_NAMES.worker,
      description: 'delivery queue worker (SQS event source)',
      invoke: async (payload) => workerHandler(JSON.parse(payload.toString('utf8') || '{"Records":[]}')),
    },
  ];

  const runner = startWorkerRunner({
    sqs: sqs.sqs,
    queueUrl: sqs.queueUrl,
    queueArn: sqs.queueArn,
    handler: workerHandler,
    batchSize: DELIVERY_DEFAULTS.workerBatchSize,
    onBatch: (records, failures) => log.workerBatch(records, failures),
    onError: (error) => logger.warn('worker poll failed', { error: String(error) }),
  });

  const depth = async (queueUrl: string) => {
    const out = await sqs.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return {
      visible: Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0),
    };
  };

  const status = async (): Promise<SystemStatus> => ({
    startedAt: log.startedAt,
    partner: { url: partnerUrl, local: partner !== undefined },
    queue: { url: sqs.queueUrl, ...(await depth(sqs.queueUrl)) },
    deadLetterQueue: { url: sqs.deadLetterQueueUrl, ...(await depth(sqs.deadLetterQueueUrl)) },
    invocations: log.recentInvocations(),
    deliveries: (partner?.received ?? []).slice(-50).map((r) => ({
      at: new Date(r.at).toISOString(),
      path: r.path,
      idempotencyKey: String(r.headers['idempotency-key'] ?? ''),
      accepted: partner?.accepted.includes(r) ?? false,
      bytes: Buffer.byteLength(r.bodyText),
    })),
    worker: log.workerTotals(),
  });

  const server = await startInvokeApi({
    port: options.invokePort,
    region: options.region,
    accountId: LOCAL_ACCOUNT_ID,
    functions,
    extraRoutes: createStatusRoutes({
      status,
      redrive: () => redrive({ sqs: sqs.sqs, queueUrl: sqs.queueUrl, deadLetterQueueUrl: sqs.deadLetterQueueUrl }),
    }),
  });

  const http = await startHttpEndpoint({
    port: options.httpPort,
    handler: createHttpHandler({ runtime: ingress, tokens: tokenSourceFromEnv(functionEnv), logger }),
  });

  return {
    invokeUrl: server.url,
    httpUrl: http.url,
    partnerUrl,
    sqsEndpoint: sqs.endpoint,
    queueUrl: sqs.queueUrl,
    deadLetterQueueUrl: sqs.deadLetterQueueUrl,
    functionEnv,
    partner,
    status,
    async stop() {
      await runner.stop();
      await server.close();
      await http.close();
      await partner?.stop();
      ingressDeps.parts?.close();
      await sqs.stop();
    },
  };
}
