import type { BatchRef, BatchRejection, FeedBatch } from './feed-batch';

/** What the runner reports after each acknowledged request (or local rejection). */
export interface HandledBatches {
  readonly delivered: readonly FeedBatch[];
  readonly rejected: readonly BatchRejection[];
}

/**
 * Remembers which lines are handled (delivered or rejected) so a resumed run skips them.
 * `persist` must be durable and atomic when it resolves: the runner waits for it before taking the
 * next request, which bounds what a crash can resend to the requests in flight.
 */
export interface ProgressStore {
  isDone(ref: BatchRef): boolean;
  /** Lines with nothing to send (blank lines), so handled ranges stay contiguous. */
  markBlank(source: string, fromLine: number, toLine: number): void;
  record(handled: HandledBatches): void;
  persist(): Promise<void>;
}
