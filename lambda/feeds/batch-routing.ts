import { isEpochMs, isJsonObject, type JsonObject } from './batch-validation';
import type { EventsApiRoute } from './events-api-endpoint';

const DAY_MS = 24 * 60 * 60 * 1000;

export type RoutingDecision = { readonly route: EventsApiRoute } | { readonly problem: string };

/**
 * Chooses the endpoint by age. mParticle asks that data older than 30 days never reach the normal
 * endpoints, and the historical one needs `timestamp_unixtime_ms` on the batch, so:
 * - a batch whose `timestamp_unixtime_ms` is older than the threshold goes to `/bulkevents/historical`;
 * - otherwise it goes to `/bulkevents`, unless one of its events is older than the threshold, in
 *   which case it is refused rather than leak old data into real-time processing.
 */
export function routeBatch(batch: JsonObject, nowMs: number, historicalAfterDays: number): RoutingDecision {
  const cutoff = nowMs - historicalAfterDays * DAY_MS;
  const batchTimestamp = batch['timestamp_unixtime_ms'];
  if (isEpochMs(batchTimestamp) && batchTimestamp < cutoff) return { route: 'bulkevents/historical' };

  const oldEvent = findEventOlderThan(batch, cutoff);
  if (oldEvent === undefined) return { route: 'bulkevents' };
  const days = `${historicalAfterDays} days`;
  if (batchTimestamp === undefined) {
    return {
      problem: `events[${oldEvent}].data.timestamp_unixtime_ms is older than ${days}: historical data needs timestamp_unixtime_ms on the batch (it goes to /bulkevents/historical)`,
    };
  }
  return {
    problem: `events[${oldEvent}].data.timestamp_unixtime_ms is older than ${days} but the batch's timestamp_unixtime_ms is recent: put old events in their own batch`,
  };
}

function findEventOlderThan(batch: JsonObject, cutoff: number): number | undefined {
  const events = batch['events'];
  if (!Array.isArray(events)) return undefined;
  const index = events.findIndex((event) => {
    const data = isJsonObject(event) ? event['data'] : undefined;
    const timestamp = isJsonObject(data) ? data['timestamp_unixtime_ms'] : undefined;
    return isEpochMs(timestamp) && timestamp < cutoff;
  });
  return index === -1 ? undefined : index;
}
