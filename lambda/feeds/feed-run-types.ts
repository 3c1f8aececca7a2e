import type { DeliveryOutcome, FeedStop } from './bulk-delivery';
import type { EventsApiRoute } from './events-api-endpoint';
import type { BatchRejection, FeedBatch } from './feed-batch';
import type { FeedLimits } from './feed-limits';
import type { LineSource } from './line-sources';
import type { ProgressStore } from './progress-store';
import type { SendControl, SendEvent } from './retrying-send';

/** What runFeed (feed-run.ts) takes, tells as it goes, and answers. */

/** The part of EventsApiClient the runner needs (a fake in unit tests). */
export interface BulkSender {
  sendBulk(route: EventsApiRoute, batches: readonly FeedBatch[], control: SendControl): Promise<DeliveryOutcome>;
}

export interface FeedRunOptions {
  readonly sender: BulkSender;
  readonly sources: readonly LineSource[];
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  /** Requests in flight at once. More is faster but resends more after a crash and hits 429 sooner. */
  readonly concurrency?: number;
  /** Epoch ms after which no request starts (a Lambda's remaining time, minus a margin). */
  readonly deadlineAt?: number;
  /** Epoch ms no exchange may outlive (see SendControl); default `deadlineAt`. */
  readonly exchangeDeadlineAt?: number;
  readonly store?: ProgressStore;
  /** Aborting it stops the run gracefully: in-flight requests finish, nothing new starts. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly onProgress?: (progress: FeedProgress) => void;
  readonly onSendEvent?: (event: SendEvent) => void;
}

export interface FeedProgress {
  /** Lines dealt with in this run: sent, rejected or skipped (already handled per checkpoint). */
  readonly handled: number;
  readonly sent: number;
  readonly rejected: number;
  readonly retries: number;
  readonly requests: number;
}

export interface FeedRunReport {
  /** Batches mParticle accepted in this run, historical ones included. */
  sent: number;
  /** Of `sent`, those that went to `/bulkevents/historical`. */
  historical: number;
  readonly rejected: BatchRejection[];
  /** Batches tried but not accepted (failed-retriable): they must be sent again. */
  unsent: number;
  /** Lines skipped because the checkpoint says they were handled before. */
  skipped: number;
  /** Batches read this run that carry partner identities (a Custom Feed does not accept them: warn). */
  withPartnerIdentities: number;
  requests: number;
  retries: number;
  /** Sum of the waits between attempts (Retry-After and back-off). */
  waitedMs: number;
  longestWaitMs: number;
  elapsedMs: number;
  stop: FeedStop | undefined;
}
