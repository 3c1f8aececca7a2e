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
  /**
   * One queue message's limit: SQS's maximum (1 MiB since 2025, aws-cdk-lib's default too). The construct
   * sets it on both queues explicitly and hands the delivery queue's value to the functions, which chunk to
   * it; only a single item above it travels by claim check.
   */
  queueMessageMaxBytes: 1024 * 1024,
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
   * (7 + 14 + 7 days), so no pointer outlives its object. A parked pointer names a copy made when it was
   * parked (the expiry counts from then); a delivered object is replaced at once by an empty marker.
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

/** The environment variables' names live in the catalogue (lambda/config/environment.ts); re-exported here. */
export { CAPTURE_ENV, ENV } from '../config/environment';

export const CAPTURE_DEFAULTS = {
  sampleRate: 1,
  maxRecords: 50,
  maxAgeMs: 60_000,
  prefix: 'captures/',
  /** Captured requests hold customer data: kept long enough to debug a report, then expired. */
  retentionDays: 14,
} as const;
