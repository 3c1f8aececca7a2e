/**
 * Delivery defaults, shared by the Lambda code and the CDK stack so the two cannot disagree
 * (queue redrive count and retention vs. the worker's budget, visibility timeout vs. worker timeout).
 * No AWS imports.
 */
const QUEUE_RETENTION_DAYS = 7;
/** Room between the worker's budget and the queue's retention: the last wait, and a backlog draining. */
const BUDGET_MARGIN_SECONDS = 6 * 3_600;

export const DELIVERY_DEFAULTS = {
  /** How long the ingress waits for the partner before spilling to the queue (mParticle wants < 200 ms p99). */
  inlineDeadlineMs: 100,
  /**
   * The HTTP function's in-line deadline: mParticle asks HTTP endpoints to answer within 100 ms, and a call
   * that misses this deadline must still be spilled to the queue (a few ms) within that budget.
   */
  httpInlineDeadlineMs: 50,
  /** Deadline of one partner call made by the worker. */
  workerCallDeadlineMs: 10_000,
  /**
   * How long the worker keeps trying one message, from its first enqueue (SQS SentTimestamp): the queue's
   * retention minus a margin, so a message outliving it is parked with its reason before SQS would drop it.
   */
  deliveryBudgetSeconds: QUEUE_RETENTION_DAYS * 86_400 - BUDGET_MARGIN_SECONDS,
  /**
   * The queue's own redrive threshold, a backstop for a worker that crashes before it can decide (the
   * message then lands in the DLQ without a reason attribute). It must never park a message the budget
   * still wants to retry: the worker waits at least a fifth of a message's age between receives (1 s …
   * holdMaxMs), so within the default budget a message is received at most ~690 times
   * (delivery-policy.ts `maxReceivesWithin`, checked by a test). 1000 is SQS's maximum; a crash loop
   * (one receive per 6-minute visibility timeout) reaches it in about four days, before the retention ends.
   */
  redriveMaxReceiveCount: 1_000,
  backoffBaseMs: 2_000,
  /** Longest backoff after a failed try while the partner seems up (before the age-based pace). */
  backoffMaxMs: 5 * 60_000,
  /** Longest wait between two receives of one message (a fifth of its age, 1 s up to this). */
  holdMaxMs: 15 * 60_000,
  /** Every SQS endpoint and the local emulator accept 256 KiB per message. */
  queueMessageMaxBytes: 256 * 1024,
  /** Worker batch size and concurrency: the load the partner's API sees at most. */
  workerBatchSize: 10,
  workerMaxConcurrency: 5,
  /**
   * Longest the worker sleeps for a partner rate-limit slot (PARTNER_MAX_RPS); a longer wait holds the
   * message (a visibility change, not a failure) instead of paying Lambda time to wait.
   */
  rateLimitMaxSleepMs: 5_000,
  workerTimeoutSeconds: 60,
  /**
   * Failed calls in a row that open a circuit (the ingress's and each worker container's), and how long it
   * stays open before one call probes the partner (the worker holds its messages meanwhile).
   */
  circuitFailureThreshold: 5,
  circuitOpenMs: 30_000,
  /** Retention: long enough to outlive a partner's weekend outage (SQS maximum is 14 days). */
  queueRetentionDays: QUEUE_RETENTION_DAYS,
  deadLetterRetentionDays: 14,
  /** Answer `suspend_subscription: true` on an in-line 401/403: off, its meaning on event responses is undocumented. */
  suspendOnAuthFailure: false,
  /**
   * Lifetime of a claim-check object (a queue message too large for SQS, kept in S3): a message may wait
   * the queue's retention, then stay parked the DLQ's, then be redriven for another queue retention
   * (7 + 14 + 7 days), so no pointer outlives its object. Objects are deleted as soon as they are delivered.
   */
  claimCheckRetentionDays: 30,
  /** Key prefix of claim-check objects: the functions' S3 permissions are limited to it. */
  claimCheckPrefix: 'deliveries/',
} as const;

/**
 * The KMS encryption context of every data key that seals queued secrets (GenerateDataKey and Decrypt), and
 * the condition on the functions' KMS permissions: the key serves this purpose and no other.
 */
export const SEALING_ENCRYPTION_CONTEXT: Readonly<Record<string, string>> = { purpose: 'firehose-queue-secrets' };

/** Environment variables read by the functions; the CDK construct sets them, local tools too. */
export const ENV = {
  partnerApiUrl: 'PARTNER_API_URL',
  deliveryQueueUrl: 'DELIVERY_QUEUE_URL',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** KMS key id/ARN for envelope encryption of confidential settings in queue messages. */
  sealingKeyId: 'SEALING_KMS_KEY_ID',
  /** Local runs only: a base64 32-byte key used instead of KMS. */
  localSealingKey: 'LOCAL_SEALING_KEY',
  inlineDeadlineMs: 'INLINE_DEADLINE_MS',
  deliveryBudgetSeconds: 'DELIVERY_BUDGET_SECONDS',
  /** The HTTP function's in-line deadline (it reads this one instead of INLINE_DEADLINE_MS). */
  httpInlineDeadlineMs: 'HTTP_INLINE_DEADLINE_MS',
  backoffBaseMs: 'BACKOFF_BASE_MS',
  backoffMaxMs: 'BACKOFF_MAX_MS',
  holdMaxMs: 'HOLD_MAX_MS',
  circuitOpenMs: 'CIRCUIT_OPEN_MS',
  queueMessageMaxBytes: 'QUEUE_MESSAGE_MAX_BYTES',
  suspendOnAuthFailure: 'SUSPEND_ON_AUTH_FAILURE',
  /** Ceiling of partner requests per second for all worker containers together; unset: none. */
  partnerMaxRps: 'PARTNER_MAX_RPS',
  /** Set by the construct: the worker event source's maximum concurrency, how many containers share PARTNER_MAX_RPS. */
  workerMaxConcurrency: 'WORKER_MAX_CONCURRENCY',
  /** Local runs only: the SQS emulator's endpoint. */
  sqsEndpoint: 'SQS_ENDPOINT',
  /** Tests and the bench only: the AWS SDK's own endpoint override for KMS (a KMS stand-in on loopback). */
  kmsEndpoint: 'AWS_ENDPOINT_URL_KMS',
  /** `true` makes the ingress's exec wrapper run Lambda's managed runtime instead of the kit's loop (docs/runtime-loop.md). */
  managedRuntime: 'FIREHOSE_MANAGED_RUNTIME',
  /** Powertools' log level (the construct's `logLevel`). */
  logLevel: 'LOG_LEVEL',
  // Set by Lambda itself (reserved names): the construct sets the wrapper, the runtime loop reads the rest.
  lambdaExecWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
  lambdaRuntimeApi: 'AWS_LAMBDA_RUNTIME_API',
  lambdaHandler: '_HANDLER',
  lambdaTaskRoot: 'LAMBDA_TASK_ROOT',
  lambdaTraceId: '_X_AMZN_TRACE_ID',
  lambdaFunctionName: 'AWS_LAMBDA_FUNCTION_NAME',
  lambdaFunctionVersion: 'AWS_LAMBDA_FUNCTION_VERSION',
  lambdaMemorySize: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  lambdaLogGroupName: 'AWS_LAMBDA_LOG_GROUP_NAME',
  lambdaLogStreamName: 'AWS_LAMBDA_LOG_STREAM_NAME',
  /** Local runs only: the address local services listen on (default 127.0.0.1, loopback only). */
  bindHost: 'BIND_HOST',
  /** Local runs only: the port of `npm start`'s Lambda Invoke API (default 3001). */
  invokePort: 'INVOKE_PORT',
  /** Local runs only: a module exporting \`integration\` that \`npm start\` runs instead of lambda/integration. */
  localIntegrationModule: 'LOCAL_INTEGRATION_MODULE',
  /** The AWS SDK's own opt-out of its Node-version warning (set by local tools and tests, not in Lambda). */
  sdkNodeVersionWarningDisabled: 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  /** Powertools' switch that stops metric output (set by the tests). */
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  /** `true`: log partner calls instead of sending them. Inside Lambda only when set; locally the default without delivery settings. */
  dryRun: 'DRY_RUN',
  /** ARN of the Secrets Manager secret holding the partner-level credential (calls without customer settings, e.g. DSR). */
  partnerCredentialSecretArn: 'PARTNER_CREDENTIAL_SECRET_ARN',
  /** Local runs and tests only: the partner-level credential itself. */
  partnerCredential: 'PARTNER_CREDENTIAL',
  /** S3 bucket holding queue messages too large for SQS (claim checks); without it such a message fails. */
  claimCheckBucket: 'CLAIM_CHECK_BUCKET',
  /** Local runs only: the S3 emulator's endpoint (path-style addressing). */
  s3Endpoint: 'S3_ENDPOINT',
} as const;

/** Opt-in request capture (lambda/capture/, docs/capture-and-replay.md); unset: nothing is captured. */
export const CAPTURE_ENV = {
  /** S3 bucket the ingress writes captured requests to (the stack sets it with `-c capture=true`). */
  bucket: 'CAPTURE_BUCKET',
  /** Local runs: a folder instead of a bucket. */
  dir: 'CAPTURE_DIR',
  /** Share of requests captured, 0…1. */
  sampleRate: 'CAPTURE_SAMPLE_RATE',
  /** Records per NDJSON object. */
  maxRecords: 'CAPTURE_MAX_RECORDS',
} as const;

export const CAPTURE_DEFAULTS = {
  sampleRate: 1,
  maxRecords: 50,
  maxAgeMs: 60_000,
  prefix: 'captures/',
  /** Captured requests hold customer data: kept long enough to debug a report, then expired. */
  retentionDays: 14,
} as const;
