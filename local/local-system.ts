import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DELIVERY_DEFAULTS, ENV } from '../lambda/delivery/defaults';
import { redrive } from '../lambda/delivery/redrive';
import { integration as defaultIntegration } from '../lambda/integration';
import { createLogger } from '../lambda/observability/logger';
import { startHttpEndpoint } from './http-endpoint';
import { startInvokeApi, type LocalFunction } from './lambda-invoke-api';
import { buildLocalFunctions, type LocalFunctions } from './local-functions';
import { startLoopIngress, type LoopIngress } from './loop-ingress';
import { startPartnerServer, type PartnerServer } from './partner-api-stand-in';
import { codeSource, watchFolders } from './reload';
import { startSqsEmulator } from './sqs-emulator';
import { createStatusRoutes, deliveriesOf, type SystemStatus } from './status-page';
import { SystemLog, type ActivityListener } from './system-log';
import { startWorkerRunner } from './worker-runner';
import { PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';

/**
 * The whole system on one machine, as `npm start` runs it: a Lambda Invoke API endpoint running the
 * ingress and worker handlers, the SQS emulator with the stack's queues, the worker polling them, a local
 * partner API (unless ENV.partnerApiUrl points elsewhere) and a status page. No Docker, no AWS.
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
  /** The address every local service listens on. @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** An external partner API; when unset the local stand-in is started. */
  readonly partnerApiUrl?: string;
  /** Extra env for the functions (ENV.deliveryBudgetSeconds, ENV.backoffBaseMs, ENV.inlineDeadlineMs, …). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Told of invocations, refused HTTP calls, retries, parks, redrives and reloads as they happen. */
  readonly listener?: ActivityListener;
  /** Rebuild the functions when a file under `lambdaFolder` (or the integration module's folder) changes. */
  readonly reload?: { readonly lambdaFolder: string; readonly integrationModule?: string };
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
  /** The folders watched for code changes, when reloading. */
  readonly watching: readonly string[];
  status(): Promise<SystemStatus>;
  stop(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const logger = options.logger ?? createLogger('firehose-local');
  const host = options.host ?? '127.0.0.1';
  const sqs = await startSqsEmulator({ port: options.sqsPort, host });
  const partner = options.partnerApiUrl ? undefined : await startPartnerServer({ port: options.partnerPort, host });
  const partnerUrl = options.partnerApiUrl ?? (partner as PartnerServer).url;

  const functionEnv: Record<string, string> = {
    [ENV.localSealingKey]: randomBytes(32).toString('base64'),
    [TOKEN_ENV.tokens]: 'local-token',
    // What calls without customer settings (mParticle's DSR requests) authenticate with; ENV.partnerCredential overrides it.
    [ENV.partnerCredential]: 'local-partner-credential',
    ...Object.fromEntries(
      Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
    ),
    // One worker runner locally: it alone shares PARTNER_MAX_RPS.
    [ENV.workerMaxConcurrency]: '1',
    [ENV.partnerApiUrl]: partnerUrl,
    [ENV.deliveryQueueUrl]: sqs.queueUrl,
    [ENV.deadLetterQueueUrl]: sqs.deadLetterQueueUrl,
    [ENV.sqsEndpoint]: sqs.endpoint,
    [ENV.claimCheckBucket]: sqs.bucketName,
    [ENV.s3Endpoint]: sqs.endpoint,
  };
  // Bare emulator clients need a region and credentials; these never leave the machine.
  process.env[PLATFORM_ENV.awsRegion] ??= options.region;
  process.env[PLATFORM_ENV.awsAccessKeyId] ??= 'local';
  process.env[PLATFORM_ENV.awsSecretAccessKey] ??= 'local';

  const log = new SystemLog(options.listener);
  const source = options.reload ? codeSource(options.reload.lambdaFolder, options.reload.integrationModule) : undefined;
  const build = (): LocalFunctions => {
    if (!source) return buildLocalFunctions(defaultIntegration, functionEnv, log);
    const fresh = source.load();
    return fresh.build(fresh.integration, functionEnv, log);
  };
  // The Invoke API's ingress runs as in AWS: the shipped bundle through the exec wrapper and the runtime loop.
  const startLoop = (): Promise<LoopIngress> =>
    startLoopIngress({
      env: functionEnv,
      log,
      ...(options.reload?.integrationModule ? { integrationModule: options.reload.integrationModule } : {}),
    });
  // Every entry point calls through `current` / `loop`, so a reload swaps the code under running servers.
  let current = build();
  let loop = await startLoop();
  const watcher =
    source &&
    watchFolders(source.folders, (files) => {
      const started = performance.now();
      const changed = files.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ');
      void (async () => {
        try {
          const next = build();
          const nextLoop = await startLoop();
          const previous = { functions: current, loop };
          current = next;
          loop = nextLoop;
          // Calls already running on the old code finish first (a closed keep-alive pool would spill them).
          setTimeout(() => {
            previous.functions.close();
            void previous.loop.stop();
          }, 10_000).unref();
          log.activity(`reloaded the functions in ${Math.round(performance.now() - started)} ms (${changed} changed)`);
        } catch (error) {
          log.activity(
            `reload failed, still running the previous code: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      })();
    });

  const functions: LocalFunction[] = [
    {
      name: LOCAL_FUNCTION_NAMES.ingress,
      description: 'mParticle Firehose ingress (what mParticle invokes)',
      // Raw bytes through the kit's runtime loop, as in AWS: 64-bit integers stay exact.
      invoke: (payload, context) => loop.invoke(payload, context),
    },
    {
      name: LOCAL_FUNCTION_NAMES.worker,
      description: 'delivery queue worker (SQS event source)',
      invoke: async (payload) => current.worker(JSON.parse(payload.toString('utf8') || '{"Records":[]}')),
    },
  ];

  const runner = startWorkerRunner({
    sqs: sqs.sqs,
    queueUrl: sqs.queueUrl,
    queueArn: sqs.queueArn,
    handler: (event) => current.worker(event),
    batchSize: DELIVERY_DEFAULTS.workerBatchSize,
    onBatch: (records, failures) => log.workerBatch(records, failures),
    onError: (error) => logger.warn('worker poll failed', { error: String(error) }),
  });

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
    partner: { url: partnerUrl, local: partner !== undefined },
    queue: { url: sqs.queueUrl, ...(await depth(sqs.queueUrl)) },
    deadLetterQueue: { url: sqs.deadLetterQueueUrl, ...(await depth(sqs.deadLetterQueueUrl)) },
    invocations: log.recentInvocations(),
    refusedHttpCalls: log.recentRefusals(),
    deliveries: deliveriesOf(partner?.received ?? []),
    worker: log.workerTotals(),
  });

  const redriveLocal = async (max?: number): Promise<number> => {
    const moved = await redrive({
      sqs: sqs.sqs,
      queueUrl: sqs.queueUrl,
      deadLetterQueueUrl: sqs.deadLetterQueueUrl,
      ...(max === undefined ? {} : { max }),
    });
    log.activity(`redrive: moved ${moved} message(s) from the dead-letter queue back to the delivery queue`);
    return moved;
  };

  const server = await startInvokeApi({
    port: options.invokePort,
    host,
    region: options.region,
    accountId: LOCAL_ACCOUNT_ID,
    functions,
    extraRoutes: createStatusRoutes({ status, redrive: redriveLocal }),
  });

  const http = await startHttpEndpoint({
    port: options.httpPort,
    host,
    handler: (event, context) => current.http(event, context),
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
    watching: source?.folders ?? [],
    status,
    async stop() {
      watcher?.close();
      await runner.stop();
      await server.close();
      await http.close();
      await partner?.stop();
      current.close();
      await loop.stop();
      await sqs.stop();
    },
  };
}
