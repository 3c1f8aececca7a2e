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
  /**
   * Lifetime of a claim-check object (a queue message too large for SQS, kept in S3): a message may wait
   * the queue's retention, then stay parked the DLQ's, then be redriven for another queue retention
   * (7 + 14 + 7 days), so no pointer outlives its object. Objects are deleted as soon as they are delivered.
   */
  claimCheckRetentionDays: 30,
  /** Key prefix of claim-check objects: the functions' S3 permissions are limited to it. */
  claimCheckPrefix: 'deliveries/',
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
  maxAttempts: 'MAX_ATTEMPTS',
  backoffBaseMs: 'BACKOFF_BASE_MS',
  queueMessageMaxBytes: 'QUEUE_MESSAGE_MAX_BYTES',
  suspendOnAuthFailure: 'SUSPEND_ON_AUTH_FAILURE',
  /** Local runs only: the SQS emulator's endpoint. */
  sqsEndpoint: 'SQS_ENDPOINT',
  /** S3 bucket holding queue messages too large for SQS (claim checks); without it such a message fails. */
  claimCheckBucket: 'CLAIM_CHECK_BUCKET',
  /** Local runs only: the S3 emulator's endpoint (path-style addressing). */
  s3Endpoint: 'S3_ENDPOINT',
} as const;
