/** Small factories for Events API batches used across the feed tests. */

const DAY_MS = 24 * 60 * 60 * 1000;

export type Batch = Record<string, unknown>;

export function makeBatch(id: string, overrides: Batch = {}): Batch {
  return {
    source_request_id: id,
    schema_version: 2,
    environment: 'development',
    user_identities: { customer_id: `customer-${id}` },
    events: [{ event_type: 'custom_event', data: { event_name: 'Test Event', custom_event_type: 'other' } }],
    ...overrides,
  };
}

export function makeBatches(prefix: string, count: number): Batch[] {
  return Array.from({ length: count }, (_, index) => makeBatch(`${prefix}-${String(index + 1).padStart(5, '0')}`));
}

export function makeHistoricalBatch(id: string, daysAgo: number, now: number = Date.now()): Batch {
  return makeBatch(id, { timestamp_unixtime_ms: now - daysAgo * DAY_MS });
}

export function toNdjson(batches: readonly (Batch | string)[]): string {
  return `${batches.map((batch) => (typeof batch === 'string' ? batch : JSON.stringify(batch))).join('\n')}\n`;
}

export function idsOf(batches: readonly Batch[]): string[] {
  return batches.map((batch) => String(batch['source_request_id']));
}
