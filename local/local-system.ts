import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../lambda/observability/logger';
import { type FakeEventsApi, startFakeEventsApi } from './events-api-stand-in';
import { startHttpEndpoint } from './http-endpoint';
import { startInvokeApi, type LocalFunction } from './lambda-invoke-api';
import { localFunctionEnv, useLocalAwsCredentials } from './local-function-env';
import { localStatus } from './local-status';
import { startPartnerServer, type PartnerServer } from './partner-api-stand-in';
import { startReloadableFunctions, type ReloadOptions } from './reloadable-functions';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from './secrets-manager-stand-in';
import { startSqsEmulator } from './sqs-emulator';
import { createStatusRoutes, type SystemStatus } from './status-page';
import { SystemLog, type ActivityListener } from './system-log';
import { startWorkerRunner } from './worker-runner';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';

/** Partner requests the stand-in keeps for the status page and the tests: bounded, as `npm start` runs for hours. */
const PARTNER_REQUESTS_KEPT = 2_000;

/**
 * The whole system on one machine, as `npm start` runs it: a Lambda Invoke API endpoint running the
 * ingress and worker handlers, the SQS emulator with the stack's queues, the worker polling them, a local
 * partner API (unless DELIVERY_ENV.partnerApiUrl points elsewhere) and a status page. No Docker, no AWS.
 * For the feed's customer commands (docs/feeds.md, "Many customers") it also runs a Secrets Manager stand-in
 * and an Events API stand-in that accepts every customer's key and secret stored there.
 */

export const LOCAL_FUNCTION_NAMES = { ingress: 'firehose-ingress', worker: 'firehose-worker' } as const;
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalSystemOptions {
  readonly invokePort: number;
  /** The HTTP variant's port (`/firehose` and the per-kind routes). */
  readonly httpPort: number;
  readonly partnerPort: number;
  readonly sqsPort: number;
  /** The feed's Secrets Manager stand-in. @default 0 (a free port) */
  readonly secretsManagerPort?: number;
  /** The feed's Events API stand-in. @default 0 (a free port) */
  readonly eventsApiPort?: number;
  readonly region: string;
  /** The address every local service listens on. @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** An external partner API; when unset the local stand-in is started. */
  readonly partnerApiUrl?: string;
  /** Extra env for the functions (DELIVERY_ENV.deliveryBudgetSeconds, DELIVERY_ENV.backoffBaseMs, DELIVERY_ENV.inlineDeadlineMs, …). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Told of invocations, refused HTTP calls, retries, parks, redrives and reloads as they happen. */
  readonly listener?: ActivityListener;
  /** Rebuild the functions when a file under `lambdaFolder` (or the integration module's folder) changes. */
  readonly reload?: ReloadOptions;
  /** A module exporting `integration`, run instead of lambda/integration (LOCAL_ENV.localIntegrationModule, tests). */
  readonly integrationModule?: string;
  /** Both queues' message size limit; the functions chunk to it. @default SQS's 1 MiB */
  readonly queueMessageMaxBytes?: number;
  /** A task root the Invoke API's ingress runs instead of the ingress bundle (the load bench's empty handler). */
  readonly ingressTaskRoot?: string;
  /** How many processes the Invoke API's ingress may run at once. @default 10 (local/loop-ingress.ts) */
  readonly ingressMaxContainers?: number;
}

export interface LocalSystem {
  readonly invokeUrl: string;
  /** Base URL of the HTTP variant; POST to `${httpUrl}/firehose`. */
  readonly httpUrl: string;
  readonly partnerUrl: string;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** For `npm run feed -- customers …`: AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly secretsManager: SecretsManagerStandIn;
  /** Events API stand-in (base URL with /v2) taking local-key/local-secret and every stored customer's pair. */
  readonly eventsApi: FakeEventsApi;
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
  const log = new SystemLog(options.listener);
  const sqs = await startSqsEmulator({
    port: options.sqsPort,
    host,
    // What AWS would refuse is refused here too, and said in the terminal: it is a bug to fix before deploying.
    onRefusal: (refusal) =>
      log.activity(`${refusal.service}: refused as AWS would (${refusal.code}): ${refusal.message}`),
    ...(options.queueMessageMaxBytes === undefined ? {} : { maxMessageBytes: options.queueMessageMaxBytes }),
  });
  const partner = options.partnerApiUrl
    ? undefined
    : await startPartnerServer({ port: options.partnerPort, host, keepLast: PARTNER_REQUESTS_KEPT });
  const partnerUrl = options.partnerApiUrl ?? (partner as PartnerServer).url;
  const secretsManager = await startSecretsManagerStandIn({ port: options.secretsManagerPort ?? 0 });
  const eventsApi = await startFakeEventsApi({
    apiKey: 'local-key',
    apiSecret: 'local-secret',
    // Each customer added with `feed customers add` is its own account, as in mParticle.
    accounts: () => secretsManager.accounts(),
    port: options.eventsApiPort ?? 0,
  });

  const functionEnv = localFunctionEnv({ partnerUrl, sqs, ...(options.env ? { extra: options.env } : {}) });
  useLocalAwsCredentials(options.region);

  const code = await startReloadableFunctions({
    env: functionEnv,
    log,
    ...(options.reload ? { reload: options.reload } : {}),
    ...(options.integrationModule ? { integrationModule: options.integrationModule } : {}),
    ...(options.ingressTaskRoot ? { ingressTaskRoot: options.ingressTaskRoot } : {}),
    ...(options.ingressMaxContainers !== undefined ? { ingressMaxContainers: options.ingressMaxContainers } : {}),
  });

  const functions: LocalFunction[] = [
    {
      name: LOCAL_FUNCTION_NAMES.ingress,
      description: 'mParticle Firehose ingress (what mParticle invokes)',
      // Raw bytes through the kit's runtime loop, as in AWS: 64-bit integers stay exact.
      invoke: (payload, context) => code.loop().invoke(payload, context),
    },
    {
      name: LOCAL_FUNCTION_NAMES.worker,
      description: 'delivery queue worker (SQS event source)',
      invoke: async (payload) => code.current().worker(JSON.parse(payload.toString('utf8') || '{"Records":[]}')),
    },
  ];

  const runner = startWorkerRunner({
    sqs: sqs.sqs,
    queueUrl: sqs.queueUrl,
    queueArn: sqs.queueArn,
    handler: (event) => code.current().worker(event),
    batchSize: DELIVERY_INFRASTRUCTURE.workerBatchSize,
    onBatch: (records, failures) => log.workerBatch(records, failures),
    onError: (error) => logger.warn('worker poll failed', { error: String(error) }),
  });

  const { status, redrive, stop: stopStatus } = localStatus({ sqs, log, partnerUrl, partner });

  const server = await startInvokeApi({
    port: options.invokePort,
    host,
    region: options.region,
    accountId: LOCAL_ACCOUNT_ID,
    functions,
    extraRoutes: createStatusRoutes({ status, redrive }),
  });

  const http = await startHttpEndpoint({
    port: options.httpPort,
    host,
    handler: (event, context) => code.current().http(event, context),
  });

  return {
    invokeUrl: server.url,
    httpUrl: http.url,
    partnerUrl,
    sqsEndpoint: sqs.endpoint,
    queueUrl: sqs.queueUrl,
    deadLetterQueueUrl: sqs.deadLetterQueueUrl,
    secretsManager,
    eventsApi,
    functionEnv,
    partner,
    watching: code.watching,
    status,
    async stop() {
      code.stopWatching();
      stopStatus();
      await runner.stop();
      await server.close();
      await http.close();
      await partner?.stop();
      await eventsApi.close();
      await secretsManager.close();
      await code.close();
      await sqs.stop();
    },
  };
}
