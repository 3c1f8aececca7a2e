/**
 * What the CDK construct builds for delivery and the functions count on: the queues, the worker's event
 * source, the claim-check bucket and the KMS encryption context. One place, imported by both sides, so the
 * stack and the code cannot disagree (redrive count and retention vs. the worker's budget in ./defaults.ts,
 * visibility timeout vs. worker timeout). No AWS imports.
 */
export const QUEUE_RETENTION_DAYS = 7;

export const DELIVERY_INFRASTRUCTURE = {
  /**
   * The queue's own redrive threshold, a backstop for a worker that crashes before it can decide (the
   * message then lands in the DLQ without a reason attribute). It must never park a message the budget
   * still wants to retry: the worker waits at least a fifth of a message's age between receives (1 s …
   * holdMaxMs), so within the default budget a message is received at most ~690 times
   * (delivery-policy.ts `maxReceivesWithin`, checked by a test). 1000 is SQS's maximum; a crash loop
   * (one receive per 6-minute visibility timeout) reaches it in about four days, before the retention ends.
   */
  redriveMaxReceiveCount: 1_000,
  /** Worker batch size and concurrency: the load the partner's API sees at most. */
  workerBatchSize: 10,
  workerMaxConcurrency: 5,
  workerTimeoutSeconds: 60,
  /** Retention: long enough to outlive a partner's weekend outage (SQS maximum is 14 days). */
  queueRetentionDays: QUEUE_RETENTION_DAYS,
  deadLetterRetentionDays: 14,
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
