/**
 * Delivery defaults, shared by the Lambda code and the CDK stack so the two cannot disagree
 * (queue redrive count vs. worker attempts, visibility timeout vs. worker timeout). No AWS imports.
 */
export const DELIVERY_DEFAULTS = {
  /** How long the ingress waits for the partner before spilling to the queue (mParticle wants < 200 ms p99). */
  inlineDeadlineMs: 100,
  /** Deadline of one partner call made by the worker. */
  workerCallDeadlineMs: 10_000,
  /** Attempts (receives) after which the worker parks a message in the dead-letter queue itself. */
  maxAttempts: 8,
  /**
   * The queue's own redrive threshold: a backstop above `maxAttempts`, for a worker that crashes
   * before it can park a message (it then still lands in the DLQ, without a reason attribute).
   */
  redriveMaxReceiveCount: 10,
  backoffBaseMs: 2_000,
  /** Longest single delay; SQS caps a visibility timeout change at 12 hours. */
  backoffMaxMs: 15 * 60_000,
  /** Every SQS endpoint and the local emulator accept 256 KiB per message. */
  queueMessageMaxBytes: 256 * 1024,
  /** Worker batch size and concurrency: the load the partner's API sees at most. */
  workerBatchSize: 10,
  workerMaxConcurrency: 5,
  workerTimeoutSeconds: 60,
  /** Failed in-line calls in a row that open the circuit, and how long it stays open. */
  circuitFailureThreshold: 5,
  circuitOpenMs: 30_000,
  /** Retention: long enough to outlive a partner's weekend outage (SQS maximum is 14 days). */
  queueRetentionDays: 7,
  deadLetterRetentionDays: 14,
  /** Answer `suspend_subscription: true` on an in-line 401/403: off, its meaning on event responses is undocumented. */
  suspendOnAuthFailure: false,
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
  maxAttempts: 'MAX_ATTEMPTS',
  backoffBaseMs: 'BACKOFF_BASE_MS',
  queueMessageMaxBytes: 'QUEUE_MESSAGE_MAX_BYTES',
  suspendOnAuthFailure: 'SUSPEND_ON_AUTH_FAILURE',
  /** Local runs only: the SQS emulator's endpoint. */
  sqsEndpoint: 'SQS_ENDPOINT',
  /** `true`: log partner calls instead of sending them. Inside Lambda only when set; locally the default without delivery settings. */
  dryRun: 'DRY_RUN',
  /** Set by Lambda itself in every function: tells the code it runs in AWS. */
  lambdaFunctionName: 'AWS_LAMBDA_FUNCTION_NAME',
  /** ARN of the Secrets Manager secret holding the partner-level credential (calls without customer settings, e.g. DSR). */
  partnerCredentialSecretArn: 'PARTNER_CREDENTIAL_SECRET_ARN',
  /** Local runs and tests only: the partner-level credential itself. */
  partnerCredential: 'PARTNER_CREDENTIAL',
} as const;
