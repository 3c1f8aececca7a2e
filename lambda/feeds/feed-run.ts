import type { DeliveryOutcome, FeedStop } from './bulk-delivery';
import type { EventsApiRoute } from './events-api-endpoint';
import type { BatchRejection, FeedBatch } from './feed-batch';
import type { FeedLimits } from './feed-limits';
import type { LineSource } from './line-sources';
import { packedRequests } from './packed-requests';
import { PauseGate } from './pause-gate';
import type { ProgressStore } from './progress-store';
import type { SendControl, SendEvent } from './retrying-send';

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
  requests: number;
  retries: number;
  /** Sum of the waits between attempts (Retry-After and back-off). */
  waitedMs: number;
  longestWaitMs: number;
  elapsedMs: number;
  stop: FeedStop | undefined;
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Reads the sources line by line, validates and routes each batch, packs them into requests and
 * sends them with bounded concurrency. Every line ends up sent, rejected (with a reason), skipped
 * per the checkpoint, or, when the run stops, counted as not sent and left for the next run.
 */
export async function runFeed(options: FeedRunOptions): Promise<FeedRunReport> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const { store } = options;

  const report: FeedRunReport = {
    sent: 0,
    historical: 0,
    rejected: [],
    unsent: 0,
    skipped: 0,
    requests: 0,
    retries: 0,
    waitedMs: 0,
    longestWaitMs: 0,
    elapsedMs: 0,
    stop: undefined,
  };
  const stopping = new AbortController();
  const stopWith = (stop: FeedStop): void => {
    report.stop ??= stop;
    stopping.abort();
  };
  const onExternalAbort = (): void =>
    stopWith({ kind: 'interrupted', message: 'interrupted; in-flight requests were finished' });
  if (options.signal?.aborted) onExternalAbort();
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const emitProgress = (): void =>
    options.onProgress?.({
      handled: report.sent + report.rejected.length + report.skipped,
      sent: report.sent,
      rejected: report.rejected.length,
      retries: report.retries,
      requests: report.requests,
    });

  const control: SendControl = {
    signal: stopping.signal,
    deadlineAt: options.deadlineAt,
    exchangeDeadlineAt: options.exchangeDeadlineAt,
    pauseGate: new PauseGate(now),
    onEvent: (event) => {
      if (event.type === 'retry-wait') {
        report.waitedMs += event.waitMs;
        report.longestWaitMs = Math.max(report.longestWaitMs, event.waitMs);
      }
      options.onSendEvent?.(event);
    },
  };

  const requests = packedRequests({
    sources: options.sources,
    limits: options.limits,
    historicalAfterDays: options.historicalAfterDays,
    now,
    store,
    signal: stopping.signal,
    onSkipped: () => {
      report.skipped += 1;
    },
    onRejected: (rejection) => {
      report.rejected.push(rejection);
      store?.record({ delivered: [], rejected: [rejection] });
      emitProgress();
    },
  });

  const worker = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      if (options.deadlineAt !== undefined && now() >= options.deadlineAt) {
        stopWith({ kind: 'deadline', message: 'ran out of time before every batch was sent' });
        return;
      }
      const next = await requests.next();
      if (next.done) return;
      const { route, batches } = next.value;
      if (stopping.signal.aborted) return; // taken after the stop: never attempted, so left for the next run
      const outcome = await options.sender.sendBulk(route, batches, control);
      report.sent += outcome.delivered.length;
      if (route === 'bulkevents/historical') report.historical += outcome.delivered.length;
      report.rejected.push(...outcome.rejected);
      report.unsent += outcome.unsent.length;
      report.requests += outcome.requests;
      report.retries += outcome.retries;
      if (outcome.stop) stopWith(outcome.stop);
      if (store) {
        store.record(outcome);
        // Waiting here bounds a crash's resend to the requests in flight.
        await store.persist();
      }
      emitProgress();
    }
  };

  try {
    // A worker that fails (a checkpoint it cannot write, a source it cannot read) stops the others too.
    const guardedWorker = (): Promise<void> =>
      worker().catch((error: unknown) => {
        stopping.abort();
        throw error;
      });
    const results = await Promise.allSettled(Array.from({ length: concurrency }, guardedWorker));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    if (store) await store.persist();
  } finally {
    options.signal?.removeEventListener('abort', onExternalAbort);
    await requests.return(undefined);
    report.elapsedMs = now() - startedAt;
  }
  return report;
}
