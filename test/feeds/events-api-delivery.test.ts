import { afterEach, describe, expect, it } from 'vitest';
import { FeedCredentials } from '../../lambda/feeds/feed-credentials';
import { idsOf, makeBatch, makeBatches, makeHistoricalBatch, toNdjson } from './support/batches';
import {
  POISON_MESSAGE,
  startFakeEventsApi,
  type FakeEventsApi,
  type FakeEventsApiOptions,
} from '../../local/events-api-stand-in';
import { API_KEY, API_SECRET, runAgainst } from './support/run-feed';

let server: FakeEventsApi | undefined;
const startServer = async (options: Partial<FakeEventsApiOptions> = {}): Promise<FakeEventsApi> => {
  server = await startFakeEventsApi({ apiKey: API_KEY, apiSecret: API_SECRET, ...options });
  return server;
};
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('local Events API stand-in (the contract the tests rely on)', () => {
  it('answers 401 without credentials, 403 with wrong ones, 400 above 100 batches and 202 otherwise', async () => {
    // Prepare
    const api = await startServer();
    const post = (body: unknown, authorization?: string) =>
      fetch(`${api.baseUrl}/bulkevents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    const basic = (secret: string) => `Basic ${Buffer.from(`${API_KEY}:${secret}`).toString('base64')}`;

    // Act
    const [missing, wrong, tooMany, fine] = await Promise.all([
      post([makeBatch('x')]),
      post([makeBatch('x')], basic('nope')),
      post(makeBatches('many', 101), basic(API_SECRET)),
      post(makeBatches('ok', 100), basic(API_SECRET)),
    ]);

    // Assess
    expect([missing.status, wrong.status, tooMany.status, fine.status]).toEqual([401, 403, 400, 202]);
    expect(await tooMany.json()).toEqual({
      errors: [{ code: 'BAD_REQUEST', message: expect.stringContaining('more than 100') }],
    });
    expect(api.accepted).toHaveLength(100);
  });
});

describe('Events API delivery', () => {
  it('delivers every batch exactly once, at most 100 per request, historical ones to the historical path', async () => {
    // Prepare
    const api = await startServer();
    const recent = makeBatches('recent', 250);
    const historical = Array.from({ length: 20 }, (_, index) => makeHistoricalBatch(`old-${index}`, 40 + index));
    const mixed = [...recent.slice(0, 100), ...historical, ...recent.slice(100)];

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(mixed));

    // Assess
    expect(report.stop).toBeUndefined();
    expect(report.sent).toBe(270);
    expect(report.historical).toBe(20);
    expect([...api.accepted].sort()).toEqual(idsOf(mixed).sort());
    expect(idsOf(mixed).every((id) => api.acceptedCount(id) === 1)).toBe(true);
    expect(Math.max(...api.requests.map((request) => request.ids.length))).toBeLessThanOrEqual(100);
    for (const id of idsOf(historical)) expect(api.acceptedPath.get(id)).toBe('/v2/bulkevents/historical');
    for (const id of idsOf(recent)) expect(api.acceptedPath.get(id)).toBe('/v2/bulkevents');
  });

  it('keeps each request body under the byte limit', async () => {
    // Prepare
    const api = await startServer();
    const batches = Array.from({ length: 60 }, (_, index) =>
      makeBatch(`sized-${index}`, { user_attributes: { notes: 'n'.repeat(900) } }),
    );

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches), {
      limits: { maxRequestBytes: 8 * 1024, maxBatchBytes: 4 * 1024 },
    });

    // Assess
    expect(report.sent).toBe(60);
    expect(Math.max(...api.bodiesSeen.map((body) => Buffer.byteLength(body)))).toBeLessThanOrEqual(8 * 1024);
    expect(api.requests.length).toBeGreaterThan(6);
  });

  it('isolates a batch mParticle refuses, reports its message and delivers its neighbours', async () => {
    // Prepare
    const api = await startServer({ poisonedIds: new Set(['b-00042']) });
    const batches = makeBatches('b', 100);

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches), { concurrency: 1 });

    // Assess
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ ref: { line: 42 }, origin: 'mparticle' });
    expect(report.rejected[0]?.reason).toBe(`line 42: mParticle answered 400: BAD_REQUEST: ${POISON_MESSAGE}`);
    expect(api.acceptedCount('b-00041')).toBe(1);
    expect(api.acceptedCount('b-00043')).toBe(1);
    expect(api.acceptedCount('b-00042')).toBe(0);
    expect(report.sent).toBe(99);
    expect(new Set(api.accepted).size).toBe(99);
    expect(api.accepted).toHaveLength(99);
    expect(report.requests).toBeLessThanOrEqual(1 + 2 * 7);
  });

  it('waits out Retry-After on 429 before resending the same batches', async () => {
    // Prepare
    const api = await startServer({
      fault: ({ seq }) => (seq === 1 ? { kind: 'status', status: 429, retryAfterSeconds: 1 } : undefined),
    });
    const batches = makeBatches('t', 30);

    // Act
    const started = Date.now();
    const { report, events } = await runAgainst(api.baseUrl, toNdjson(batches), { concurrency: 1 });
    const elapsed = Date.now() - started;

    // Assess
    const [throttled, retried] = api.requests;
    expect(throttled?.outcome).toBe('fault');
    expect(retried?.ids).toEqual(throttled?.ids);
    // Waited out the 1 s Retry-After; 950 ms because timers may fire a little early (no upper bound: a busy machine is slow).
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry-wait', waitMs: 1000, retryAfter: true }));
    expect(report).toMatchObject({ sent: 30, retries: 1, longestWaitMs: 1000 });
    expect(api.accepted).toHaveLength(30);
  });

  it('retries 503 and other 5xx with back-off', async () => {
    // Prepare
    const statuses = [503, 500, 502];
    const api = await startServer({
      fault: ({ seq }) => (seq <= 3 ? { kind: 'status', status: statuses[seq - 1] ?? 500 } : undefined),
    });

    // Act
    const { report, events } = await runAgainst(api.baseUrl, toNdjson(makeBatches('f', 10)), { concurrency: 1 });

    // Assess
    expect(report).toMatchObject({ sent: 10, retries: 3, requests: 4 });
    expect(events.filter((event) => event.type === 'retry-wait' && !event.retryAfter)).toHaveLength(3);
    expect(api.accepted).toHaveLength(10);
  });

  it('survives connection resets: exactly once, except batches whose answer was cut after acceptance', async () => {
    // Prepare
    const api = await startServer({
      fault: ({ seq }) => (seq === 2 ? { kind: 'reset' } : seq === 5 ? { kind: 'reset-after-accept' } : undefined),
    });
    const batches = makeBatches('r', 500);

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches), {
      limits: { maxBatchesPerRequest: 50 },
      concurrency: 2,
    });

    // Assess
    expect(report.stop).toBeUndefined();
    expect(report.sent).toBe(500);
    const cutAfterAcceptance = new Set(api.requests.find((request) => request.outcome === 'reset-after-accept')?.ids);
    expect(cutAfterAcceptance.size).toBe(50);
    for (const id of idsOf(batches)) {
      expect(api.acceptedCount(id)).toBe(cutAfterAcceptance.has(id) ? 2 : 1);
    }
  });

  it.each([
    [
      '403 for a wrong secret',
      new FeedCredentials(API_KEY, 'not-the-secret-9f8e'),
      undefined,
      /mParticle answered 403 Forbidden: the API key and secret were not accepted/,
    ],
    [
      '401 for a missing header',
      undefined,
      401,
      /mParticle answered 401 Unauthorized: the Authorization header was missing/,
    ],
  ])('stops on %s without retrying or printing the secret', async (_label, credentials, forcedStatus, expected) => {
    // Prepare
    const api = await startServer(forcedStatus ? { fault: () => ({ kind: 'status', status: forcedStatus }) } : {});
    const secretShown = credentials ? 'not-the-secret-9f8e' : API_SECRET;

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(makeBatches('a', 500)), {
      credentials,
      limits: { maxBatchesPerRequest: 10 },
      concurrency: 2,
    });

    // Assess
    expect(report.stop?.kind).toBe('auth');
    expect(report.stop?.message).toMatch(expected);
    expect(report.stop?.message).not.toContain(secretShown);
    expect(report.stop?.message).not.toContain(Buffer.from(`${API_KEY}:${secretShown}`).toString('base64'));
    expect(report.retries).toBe(0);
    expect(api.requests.length).toBeLessThanOrEqual(2); // the requests in flight, nothing after
    expect(report.sent).toBe(0);
  });

  it('reports batches as unsent when retries run out, never as sent or dropped', async () => {
    // Prepare
    const api = await startServer({ fault: () => ({ kind: 'status', status: 503 }) });

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(makeBatches('d', 40)), {
      concurrency: 1,
      retry: { maxAttempts: 3, backoff: { baseMs: 1, maxMs: 5 } },
    });

    // Assess
    expect(report.stop).toMatchObject({ kind: 'retries-exhausted' });
    expect(report.stop?.message).toMatch(/gave up after 3 attempts; last: mParticle answered 503/);
    expect(report.sent).toBe(0);
    expect(report.unsent).toBe(40);
    expect(api.requests).toHaveLength(3);
  });

  it('stops at the deadline, cutting a slow exchange and reporting its batches unsent', async () => {
    // Prepare: an exchange that would take 10 s, far beyond the deadline
    const api = await startServer({ delayMs: 10_000 });

    // Act
    const started = Date.now();
    const { report } = await runAgainst(api.baseUrl, toNdjson(makeBatches('slow', 10)), { deadlineAt: started + 300 });

    // Assess
    // Cut at the deadline instead of waiting 10 s; the bound leaves seconds of slack for a busy machine.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.stop?.kind).toBe('deadline');
    expect(report.stop?.message).toMatch(/deadline/);
    expect(report).toMatchObject({ sent: 0, unsent: 10 });
  });

  it('gives up rather than resend early when Retry-After exceeds the allowed wait', async () => {
    // Prepare
    const api = await startServer({ fault: () => ({ kind: 'status', status: 429, retryAfterSeconds: 3600 }) });

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(makeBatches('w', 5)), {
      retry: { maxAttempts: 5, maxRetryAfterMs: 2_000 },
    });

    // Assess
    expect(report.stop?.kind).toBe('retries-exhausted');
    expect(report.stop?.message).toMatch(/asked to wait 3600 s, more than the 2 s allowed/);
    expect(report.unsent).toBe(5);
  });
});

describe('unreadable acceptances', () => {
  // mParticle names failed batches in the 202 body; a body the client cannot read may name some, so it confirms none.
  const unreadable = [
    {
      what: 'an error envelope over the HTTP client 64 KiB body limit',
      body: JSON.stringify({
        errors: Array.from({ length: 800 }, (_, index) => ({
          code: 'VALIDATION_ERROR',
          message: `failure ${index} `.repeat(8),
        })),
      }),
    },
    { what: 'a non-JSON body', body: '<html><body>Accepted by a proxy</body></html>' },
  ];

  for (const { what, body } of unreadable) {
    it(`counts no batch as sent when a 202 carries ${what}, and stops with the reason`, async () => {
      // Prepare
      const api = await startServer({ fault: () => ({ kind: 'status', status: 202, body }) });
      const batches = makeBatches('unreadable', 30);

      // Act
      const { report } = await runAgainst(api.baseUrl, toNdjson(batches), { concurrency: 1 });

      // Assess
      expect(body.length > 64 * 1024).toBe(what.includes('64 KiB'));
      expect(report.sent).toBe(0);
      expect(report.rejected).toEqual([]);
      expect(report.unsent).toBe(30);
      expect(report.stop).toMatchObject({ kind: 'unconfirmed' });
      expect(report.stop?.message).toContain('202');
      expect(report.stop?.message).toContain('may or may not have been processed');
    });
  }
});
