import { QUEUE_RETENTION_DAYS } from './infrastructure';

/**
 * How delivery behaves when no knob says otherwise: deadlines, the budget, backoff, the breaker, the rate
 * limit. The catalogue (lambda/config/environment.ts) documents the knobs' defaults from these; what the
 * construct builds (queues, worker event source, claim-check bucket) is in ./infrastructure.ts. No AWS imports.
 */
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
  /**
   * Longest the worker sleeps for a partner rate-limit slot (PARTNER_MAX_RPS); a longer wait holds the
   * message (a visibility change, not a failure) instead of paying Lambda time to wait.
   */
  rateLimitMaxSleepMs: 5_000,
  /**
   * Failed calls in a row that open a circuit (the ingress's and each worker container's), and how long it
   * stays open before one call probes the partner (the worker holds its messages meanwhile).
   */
  circuitFailureThreshold: 5,
  circuitOpenMs: 30_000,
  /** Answer `suspend_subscription: true` on an in-line 401/403: off, its meaning on event responses is undocumented. */
  suspendOnAuthFailure: false,
} as const;
