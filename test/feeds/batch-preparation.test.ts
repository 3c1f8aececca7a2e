import { describe, expect, it } from 'vitest';
import { routeBatch } from '../../lambda/feeds/batch-routing';
import { findBatchProblem } from '../../lambda/feeds/batch-validation';
import {
  eventsApiUrl,
  PARTNER_INBOUND_BASE_URL,
  resolveEventsApiBaseUrl,
} from '../../lambda/feeds/events-api-endpoint';
import { isRejection, prepareBatch } from '../../lambda/feeds/prepare-batch';
import { checkFeedLimits, checkHistoricalAfterDays } from '../../lambda/feeds/feed-limits';
import { makeBatch } from './support/batches';

const NOW = Date.UTC(2025, 5, 1);
const DAY_MS = 86_400_000;
const options = { maxBatchBytes: 128 * 1024, historicalAfterDays: 30, nowMs: NOW };
const ref = (line: number) => ({ source: 'input.ndjson', line });

describe('local batch validation', () => {
  it.each([
    ['a JSON array', [], 'batch must be a JSON object, got an array'],
    ['events that are not an array', makeBatch('a', { events: {} }), 'events must be an array'],
    ['an event that is not an object', makeBatch('a', { events: ['x'] }), 'events[0] must be an object'],
    [
      'an event without event_type',
      makeBatch('a', { events: [{ event_type: 'custom_event' }, { data: {} }] }),
      'events[1].event_type must be a non-empty string',
    ],
    [
      'an empty event_type',
      makeBatch('a', { events: [{ event_type: ' ' }] }),
      'events[0].event_type must be a non-empty string',
    ],
    [
      'user_identities as an array (Firehose style)',
      makeBatch('a', { user_identities: [{ type: 'email' }] }),
      'user_identities must be an object',
    ],
    ['no identity at all', makeBatch('a', { user_identities: {} }), 'batch has no identity'],
    [
      'an unknown environment',
      makeBatch('a', { environment: 'staging' }),
      'environment must be "production" or "development"',
    ],
    [
      'a string timestamp',
      makeBatch('a', { timestamp_unixtime_ms: '1700000000000' }),
      'timestamp_unixtime_ms must be a positive integer',
    ],
  ])('refuses %s, naming the field', (_label, batch, expected) => {
    // Prepare
    const bytes = Buffer.byteLength(JSON.stringify(batch));

    // Act
    const problem = findBatchProblem(batch, bytes, options.maxBatchBytes);

    // Assess
    expect(problem).toContain(expected);
  });

  it.each([
    ['a user identity', makeBatch('a')],
    [
      'a device identity only',
      makeBatch('a', { user_identities: undefined, device_info: { android_advertising_id: 'aaid-1' } }),
    ],
    ['an mpid only', makeBatch('a', { user_identities: undefined, mpid: 123 })],
    ['no events (attributes only)', makeBatch('a', { events: undefined, user_attributes: { tier: 'gold' } })],
  ])('accepts a batch with %s', (_label, batch) => {
    // Act
    const problem = findBatchProblem(batch, 100, options.maxBatchBytes);

    // Assess
    expect(problem).toBeUndefined();
  });

  it('refuses a batch over the per-batch byte limit', () => {
    // Prepare
    const text = JSON.stringify(makeBatch('big', { user_attributes: { blob: 'x'.repeat(2000) } }));

    // Act
    const result = prepareBatch(ref(9), text, { ...options, maxBatchBytes: 1000 });

    // Assess
    expect(isRejection(result) && result.reason).toMatch(
      /^line 9: batch is \d+ bytes, over the 1000-byte limit per batch$/,
    );
  });

  it('refuses a line that is not JSON with its line number', () => {
    // Act
    const result = prepareBatch(ref(7), '{"events": [', options);

    // Assess
    expect(isRejection(result) && result.reason).toMatch(/^line 7: not valid JSON/);
  });

  it('keeps the line text as sent, so 64-bit numbers are not rounded', () => {
    // Prepare
    const text = '{"mpid":8016927977184397394,"events":[{"event_type":"custom_event"}]}';

    // Act
    const result = prepareBatch(ref(1), `  ${text}\r`, options);

    // Assess
    expect(isRejection(result)).toBe(false);
    expect(!isRejection(result) && result.json).toBe(text);
  });
});

describe('routing by age', () => {
  it('sends a batch older than the threshold to the historical endpoint', () => {
    // Act
    const decision = routeBatch(makeBatch('old', { timestamp_unixtime_ms: NOW - 31 * DAY_MS }), NOW, 30);

    // Assess
    expect(decision).toEqual({ route: 'bulkevents/historical' });
  });

  it('sends a recent or untimed batch to /bulkevents', () => {
    // Act
    const recent = routeBatch(makeBatch('new', { timestamp_unixtime_ms: NOW - 29 * DAY_MS }), NOW, 30);
    const untimed = routeBatch(makeBatch('untimed'), NOW, 30);

    // Assess
    expect(recent).toEqual({ route: 'bulkevents' });
    expect(untimed).toEqual({ route: 'bulkevents' });
  });

  it('never lets old events reach the normal endpoint', () => {
    // Prepare
    const oldEvent = { event_type: 'custom_event', data: { timestamp_unixtime_ms: NOW - 40 * DAY_MS } };

    // Act
    const untimed = routeBatch(makeBatch('a', { events: [{ event_type: 'custom_event' }, oldEvent] }), NOW, 30);
    const mixed = routeBatch(makeBatch('b', { timestamp_unixtime_ms: NOW, events: [oldEvent] }), NOW, 30);

    // Assess
    expect(untimed).toEqual({
      problem: expect.stringContaining('events[1].data.timestamp_unixtime_ms is older than 30 days'),
    });
    expect(untimed).toEqual({ problem: expect.stringContaining('needs timestamp_unixtime_ms on the batch') });
    expect(mixed).toEqual({ problem: expect.stringContaining('put old events in their own batch') });
  });

  it('refuses a historical threshold under 72 hours', () => {
    // Act / Assess
    expect(() => checkHistoricalAfterDays(2)).toThrow(/at least 3 days/);
    expect(checkHistoricalAfterDays(30)).toBe(30);
  });
});

describe('endpoint and limits configuration', () => {
  it('defaults to the partner inbound URL and knows the pods', () => {
    // Act / Assess
    expect(resolveEventsApiBaseUrl().href).toBe(PARTNER_INBOUND_BASE_URL);
    expect(resolveEventsApiBaseUrl({ pod: 'EU1' }).href).toBe('https://s2s.eu1.mparticle.com/v2');
    expect(resolveEventsApiBaseUrl({ pod: 'us2' }).href).toBe('https://s2s.us2.mparticle.com/v2');
    expect(() => resolveEventsApiBaseUrl({ pod: 'xx9' })).toThrow(/unknown mParticle pod "xx9"/);
  });

  it('allows plain http only on loopback and keeps the base path', () => {
    // Act
    const local = resolveEventsApiBaseUrl({ baseUrl: 'http://127.0.0.1:8080/v2/' });

    // Assess
    expect(eventsApiUrl(local, 'bulkevents/historical').href).toBe('http://127.0.0.1:8080/v2/bulkevents/historical');
    expect(eventsApiUrl(new URL(PARTNER_INBOUND_BASE_URL), 'bulkevents').href).toBe(
      'https://inbound.mparticle.com/s2s/v2/bulkevents',
    );
    expect(() => resolveEventsApiBaseUrl({ baseUrl: 'http://example.com/v2' })).toThrow(/must use https/);
  });

  it('rejects limits that could not make progress', () => {
    // Act / Assess
    expect(() => checkFeedLimits({ maxBatchesPerRequest: 101 })).toThrow(/from 1 to 100/);
    expect(() => checkFeedLimits({ maxBatchBytes: 5000, maxRequestBytes: 5000 })).toThrow(
      /at least the per-batch limit plus 2/,
    );
    expect(checkFeedLimits()).toEqual({ maxBatchesPerRequest: 100, maxRequestBytes: 262_144, maxBatchBytes: 131_072 });
  });
});
