import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import type { CoreDependencies } from '../core/process-request';
import { HttpClient } from '../common/http-client';
import { CircuitBreaker } from './circuit-breaker';
import { ClaimCheckStore, lazyS3Connection } from './claim-check';
import { DELIVERY_DEFAULTS } from './defaults';
import { readDeliveryConfig, readSuspendOnAuthFailure, type DeliveryConfig } from './delivery-config';
import { readDryRun } from './dry-run-port';
import { DeliveryQueue, type SqsConnection } from './delivery-queue';
import { createDryRunPort } from './dry-run-port';
import { kmsKeySource } from './kms-key-source';
import { PartnerClient } from './partner-client';
import { partnerCredentialFromEnv } from './partner-credential';
import { createQueuedDeliveryPort } from './queued-delivery-port';
import { sdkModule } from './lazy-sdk-module';
import { localKeySource, SecretBox } from './secret-box';
import { type ReadySpill, spillWarmUp } from './spill-warm-up';
import { createUnconfiguredPort } from './unconfigured-port';
import { DELIVERY_ENV, PLATFORM_ENV } from '../config/environment';
import { type Env, readPositiveInt } from '../config/env-readers';

/** The parts both functions share, built once per container: HTTP keep-alive pool, SQS client, key cache. */
export interface DeliveryParts {
  readonly config: DeliveryConfig;
  readonly http: HttpClient;
  readonly partner: PartnerClient;
  readonly queue: DeliveryQueue;
  readonly box: SecretBox;
  /**
   * Readies a spill before the first one (the HTTP function, during an init that waits for it: see
   * lambda/handlers/http-esm.ts): loads the SQS module and builds its client, fetches the sealing data key
   * (one GenerateDataKey with KMS) and sends the queue's first request, the same cached promises a spill
   * awaits. Rejects if a step failed (a failed step is not cached: the first spill tries again).
   */
  prepare(): Promise<void>;
  /**
   * The same for spill-warm-up.ts, each step once `turn()` resolves: the SDK modules in steps (lazy-sdk-module.ts),
   * then the data key (only when `needs.sealing`) and the SQS client's first request (once per container).
   */
  readySpill(...args: Parameters<ReadySpill>): Promise<void>;
  /** Closes idle sockets and the SQS client (if it was ever loaded), so a CLI or test exits promptly. */
  close(): void;
}

export function createDeliveryParts(config: DeliveryConfig): DeliveryParts {
  const http = new HttpClient();
  // Loaded on first use: requiring the SDK costs more than the rest of the cold start together.
  const sqsApi = sdkModule(
    () => import('@aws-sdk/client-sqs'),
    () => require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs'),
  );
  const kmsApi = sdkModule(
    () => import('@aws-sdk/client-kms'),
    () => require('@aws-sdk/client-kms') as typeof import('@aws-sdk/client-kms'),
  );
  let sqs: Promise<SqsConnection> | undefined;
  const connect = (): Promise<SqsConnection> =>
    (sqs ??= sqsApi.get().then((api) => ({
      api,
      client: new api.SQSClient({
        ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
        // Bounded, so a queue outage fails the invocation in time instead of hanging it.
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
      }),
    })));
  // One cheap read of the queue, once per container (a failure is not cached): the SDK's first request costs
  // several times its next ones (measured here: 15 to 145 ms, against about 5), and a spill should not pay it.
  let opened: Promise<unknown> | undefined;
  const open = (): Promise<unknown> => {
    if (opened) return opened;
    const read = connect().then(({ api, client }) =>
      client.send(new api.GetQueueAttributesCommand({ QueueUrl: config.queueUrl, AttributeNames: ['QueueArn'] })),
    );
    opened = read;
    read.catch(() => {
      if (opened === read) opened = undefined;
    });
    return read;
  };
  const keys =
    config.sealing.kind === 'kms'
      ? kmsKeySource(config.sealing.keyId, { api: kmsApi.get })
      : localKeySource(config.sealing.key);
  return {
    config,
    http,
    partner: new PartnerClient(http, config.partnerApiUrl),
    queue: new DeliveryQueue(
      connect,
      config.queueUrl,
      config.deadLetterQueueUrl,
      config.maxMessageBytes,
      // The S3 client is loaded only when a message first outgrows SQS.
      config.claimCheckBucket
        ? new ClaimCheckStore(lazyS3Connection(config.s3Endpoint), config.claimCheckBucket)
        : undefined,
    ),
    box: new SecretBox(keys),
    async prepare() {
      // Synchronously, so the SDK modules load inside init, before the runtime hands over the first event.
      sqsApi.loadNow();
      if (config.sealing.kind === 'kms') kmsApi.loadNow();
      await Promise.all([open(), keys.dataKey()]);
    },
    async readySpill(needs, turn) {
      await sqsApi.loadInSteps(turn);
      if (needs.sealing && config.sealing.kind === 'kms') await kmsApi.loadInSteps(turn);
      await turn(0);
      // The key first: a spill seals before it sends, and the two first requests compete for the CPU.
      if (needs.sealing) await keys.dataKey();
      await open();
    },
    close() {
      http.destroy();
      void sqs?.then(({ client }) => client.destroy());
    },
  };
}

/**
 * The ingress's dependencies: real delivery when configured; the dry run when DELIVERY_ENV.dryRun=true, or by default
 * outside Lambda without delivery settings; inside Lambda without either, a port that refuses data
 * (a deployed function must never answer success for data it drops).
 */
export function createCoreDependencies(
  integration: PartnerIntegration,
  env: Env,
  logger: Logger,
  /** `inlineDeadlineMs`: the HTTP function's own deadline instead of INLINE_DEADLINE_MS. */
  options: { inlineDeadlineMs?: number } = {},
): CoreDependencies & { parts?: DeliveryParts } {
  const config = readDeliveryConfig(env);
  const dryRun = readDryRun(env) ?? (config === undefined && !env[PLATFORM_ENV.lambdaFunctionName]);
  if (dryRun || !config) {
    return {
      integration,
      delivery: dryRun ? createDryRunPort(logger, env) : createUnconfiguredPort(),
      maxMessageBytes: readPositiveInt(env, DELIVERY_ENV.queueMessageMaxBytes, DELIVERY_DEFAULTS.queueMessageMaxBytes),
      suspendOnAuthFailure: readSuspendOnAuthFailure(env),
    };
  }
  const parts = createDeliveryParts(config);
  return {
    integration,
    parts,
    delivery: createQueuedDeliveryPort({
      integration,
      partner: parts.partner,
      queue: parts.queue,
      box: parts.box,
      breaker: new CircuitBreaker(DELIVERY_DEFAULTS.circuitFailureThreshold, config.circuitOpenMs),
      inlineDeadlineMs: options.inlineDeadlineMs ?? config.inlineDeadlineMs,
      logger,
      partnerCredential: partnerCredentialFromEnv(env),
      warmUp: spillWarmUp(
        (needs, turn) => parts.readySpill(needs, turn),
        (error) => logger.warn('readying the spill path failed; a spill tries again', { error }),
      ),
    }),
    maxMessageBytes: config.maxMessageBytes,
    suspendOnAuthFailure: config.suspendOnAuthFailure,
  };
}
