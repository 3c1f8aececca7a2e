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
} as const;

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
  backoffBaseMs: 'BACKOFF_BASE_MS',
  backoffMaxMs: 'BACKOFF_MAX_MS',
  holdMaxMs: 'HOLD_MAX_MS',
  circuitOpenMs: 'CIRCUIT_OPEN_MS',
  queueMessageMaxBytes: 'QUEUE_MESSAGE_MAX_BYTES',
  suspendOnAuthFailure: 'SUSPEND_ON_AUTH_FAILURE',
  /** Local runs only: the SQS emulator's endpoint. */
  sqsEndpoint: 'SQS_ENDPOINT',
} as const;
