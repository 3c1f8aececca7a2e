import type { FeedStop } from './bulk-delivery';
import type { EventsApiRoute } from './events-api-endpoint';
import type { FeedBatch } from './feed-batch';
import type { FeedRunOptions, FeedRunReport } from './feed-run-types';
import { RetryAfterPause } from './retry-after-pause';
import { isRejection, prepareBatch } from './prepare-batch';
import { RequestPacker } from './request-packer';
import type { SendControl } from './retrying-send';

// Re-exported: the handler, the CLI and the report import the run's types from here.
export type { BulkSender, FeedProgress, FeedRunOptions, FeedRunReport } from './feed-run-types';

export const DEFAULT_CONCURRENCY = 4;

const ROUTES: readonly EventsApiRoute[] = ['bulkevents', 'bulkevents/historical'];

interface PackedRequest {
  readonly route: EventsApiRoute;
  readonly batches: FeedBatch[];
}

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
    withPartnerIdentities: 0,
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
    retryAfterPause: new RetryAfterPause(now),
    onEvent: (event) => {
      if (event.type === 'retry-wait') {
        report.waitedMs += event.waitMs;
        report.longestWaitMs = Math.max(report.longestWaitMs, event.waitMs);
      }
      options.onSendEvent?.(event);
    },
  };

  async function* packedRequests(): AsyncGenerator<PackedRequest> {
    const packers = new Map(ROUTES.map((route) => [route, new RequestPacker<FeedBatch>(options.limits)] as const));
    for (const source of options.sources) {
      let previousLine = 0;
      for await (const { line, text } of source.lines()) {
        if (stopping.signal.aborted) return;
        if (line > previousLine + 1) store?.markBlank(source.name, previousLine + 1, line - 1);
        previousLine = line;
        const ref = { source: source.name, line };
        if (store?.isDone(ref)) {
          report.skipped += 1;
          continue;
        }
        const prepared = prepareBatch(ref, text, {
          maxBatchBytes: options.limits.maxBatchBytes,
          historicalAfterDays: options.historicalAfterDays,
          nowMs: now(),
        });
        if (isRejection(prepared)) {
          report.rejected.push(prepared);
          store?.record({ delivered: [], rejected: [prepared] });
          emitProgress();
          continue;
        }
        if (prepared.partnerIdentities) report.withPartnerIdentities += 1;
        const full = packers.get(prepared.route)?.push(prepared);
        if (full) yield { route: prepared.route, batches: full };
      }
    }
    for (const [route, packer] of packers) {
      const rest = packer.flush();
      if (rest) yield { route, batches: rest };
    }
  }

  const requests = packedRequests();

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
