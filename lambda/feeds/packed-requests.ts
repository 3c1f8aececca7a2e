import type { EventsApiRoute } from './events-api-endpoint';
import type { BatchRejection, FeedBatch } from './feed-batch';
import type { FeedLimits } from './feed-limits';
import type { LineSource } from './line-sources';
import { isRejection, prepareBatch } from './prepare-batch';
import type { ProgressStore } from './progress-store';
import { RequestPacker } from './request-packer';

const ROUTES: readonly EventsApiRoute[] = ['bulkevents', 'bulkevents/historical'];

export interface PackedRequest {
  readonly route: EventsApiRoute;
  readonly batches: FeedBatch[];
}

export interface PackingOptions {
  readonly sources: readonly LineSource[];
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  readonly now: () => number;
  readonly store: ProgressStore | undefined;
  /** Once aborted, no further line is read. */
  readonly signal: AbortSignal;
  /** A line the checkpoint says was handled before. */
  readonly onSkipped: () => void;
  /** A line that cannot be sent (its reason inside); the caller records it. */
  readonly onRejected: (rejection: BatchRejection) => void;
}

/**
 * Reads the sources line by line, validates and routes each batch, and yields requests as each route's
 * packer fills (then the rest of each route). Lines the checkpoint marks done are skipped.
 */
export async function* packedRequests(options: PackingOptions): AsyncGenerator<PackedRequest> {
  const { store } = options;
  const packers = new Map(ROUTES.map((route) => [route, new RequestPacker<FeedBatch>(options.limits)] as const));
  for (const source of options.sources) {
    let previousLine = 0;
    for await (const { line, text } of source.lines()) {
      if (options.signal.aborted) return;
      if (line > previousLine + 1) store?.markBlank(source.name, previousLine + 1, line - 1);
      previousLine = line;
      const ref = { source: source.name, line };
      if (store?.isDone(ref)) {
        options.onSkipped();
        continue;
      }
      const prepared = prepareBatch(ref, text, {
        maxBatchBytes: options.limits.maxBatchBytes,
        historicalAfterDays: options.historicalAfterDays,
        nowMs: options.now(),
      });
      if (isRejection(prepared)) {
        options.onRejected(prepared);
        continue;
      }
      const full = packers.get(prepared.route)?.push(prepared);
      if (full) yield { route: prepared.route, batches: full };
    }
  }
  for (const [route, packer] of packers) {
    const rest = packer.flush();
    if (rest) yield { route, batches: rest };
  }
}
