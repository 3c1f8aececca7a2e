import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV } from '../../lambda/config/environment';
import type { LocalSystem } from '../../local/local-system';
import type { ReceivedRequest } from '../../local/partner-api-stand-in';
import { deliveriesOf, renderStatusPage, type SystemStatus } from '../../local/status-page';
import { startTestLocalSystem } from '../support/local-system';
import { invokeIngress, waitUntil } from '../support/npm-start';
import { decodePng } from '../support/png';
import { PROJECT_ROOT } from '../support/run-cli';

const received = (key: string, answered: number | undefined, at: number): ReceivedRequest => ({
  method: 'POST',
  path: '/audiences',
  headers: { 'idempotency-key': key },
  bodyText: '{}',
  at,
  ...(answered === undefined ? {} : { answered }),
});

describe('status page: attempts', () => {
  it('numbers the tries of each message: the same request sent again later starts at 1', () => {
    // Prepare: request A sent and accepted, sent again (certify's repeats, a sample invoked twice) and
    // accepted; request B failing twice, then accepted.
    const calls = [
      received('A:0', 200, 1),
      received('A:0', 200, 2),
      received('B:0', 503, 3),
      received('B:0', undefined, 4),
      received('B:0', 200, 5),
      received('A:0', 200, 6),
    ];
    // Act
    const attempts = deliveriesOf(calls)
      .reverse()
      .map((d) => [d.idempotencyKey, d.attempt]);
    // Assess
    expect(attempts).toEqual([
      ['A:0', 1],
      ['A:0', 1],
      ['B:0', 1],
      ['B:0', 2],
      ['B:0', 3],
      ['A:0', 1],
    ]);
  });
});

const base: SystemStatus = {
  startedAt: '2026-12-07T10:00:00.000Z',
  partner: { url: 'http://127.0.0.1:3003', local: true },
  queue: { url: 'q', visible: 1, inFlight: 0 },
  deadLetterQueue: { url: 'dlq', visible: 1, inFlight: 0 },
  invocations: [],
  refusedHttpCalls: [],
  deliveries: [],
  deadLetters: [
    {
      parkedAt: '2026-12-07T10:00:09.000Z',
      reason: 'partner answered 400',
      status: 400,
      attempts: 1,
      excerpt: '{"error":"<bad> field"}',
      path: '/audiences',
      idempotencyKey: 'r-1:0',
      requestType: 'audience_membership_change_request',
    },
  ],
  redrives: [{ at: '2026-12-07T10:00:20.000Z', moved: 1, unopenable: 0 }],
  worker: { batches: 1, records: 1, failures: 0 },
  history: {
    latency: [
      { at: '2026-12-07T10:00:01.000Z', ms: 12, outcome: 'delivered' },
      { at: '2026-12-07T10:00:02.000Z', ms: 250, outcome: 'queued' },
      { at: '2026-12-07T10:00:03.000Z', ms: 1, outcome: 'rejected' },
    ],
    depth: [
      { at: '2026-12-07T10:00:01.000Z', queue: 0, deadLetter: 0 },
      { at: '2026-12-07T10:00:02.000Z', queue: 2, deadLetter: 0 },
      { at: '2026-12-07T10:00:03.000Z', queue: 1, deadLetter: 1 },
    ],
  },
};

/** The `<svg>` elements of a page, by their label. */
const charts = (html: string): Map<string, string> =>
  new Map([...html.matchAll(/<svg[^>]*aria-label="([^"]+)"[\s\S]*?<\/svg>/g)].map((m) => [m[1] as string, m[0]]));

describe('status page: what it draws and lists', () => {
  const html = renderStatusPage(base);

  it('draws invocation latency over time against the 200 ms budget: one dot per invocation', () => {
    const chart = charts(html).get('Invocation latency') ?? '';
    expect(chart).toContain('class="threshold"');
    expect(chart).toContain('mParticle&#39;s 200 ms budget');
    expect(chart.match(/<circle /g)).toHaveLength(3);
    // The budget line sits below the 250 ms dot and above the 12 ms one (SVG y grows downwards).
    const budgetY = Number(/<line [^>]*y1="([\d.]+)"[^>]*class="threshold"/.exec(chart)?.[1]);
    const ys = [...chart.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeLessThan(budgetY);
    expect(Math.max(...ys)).toBeGreaterThan(budgetY);
    expect(chart).toContain('data-series="refused or failed"');
  });

  it('draws the delivery and dead-letter queue depth over time', () => {
    const chart = charts(html).get('Queue depth (messages)') ?? '';
    expect(chart.match(/<path class="series"/g)).toHaveLength(2);
    expect(chart).toContain('data-series="delivery queue"');
    expect(chart).toContain('data-series="dead-letter queue"');
  });

  it('lists what is parked with its reason, answer and attempts, and each redrive; escapes what the partner said', () => {
    expect(html).toContain('<td>partner answered 400</td><td>400</td><td>1</td>');
    expect(html).toContain('audience_membership_change_request /audiences');
    expect(html).toContain('&lt;bad&gt; field');
    expect(html).not.toContain('<bad>');
    expect(html).toMatch(/<td>2026-12-07T10:00:20.000Z<\/td><td>1<\/td>/);
  });

  it('needs nothing from outside: no script, no external image, style or font', () => {
    expect(html).not.toMatch(/<script|<img|<link|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const urls = new Set(html.match(/https?:\/\/[^"'<\s]+/g));
    expect([...urls].sort()).toEqual(['http://127.0.0.1:3003', 'http://www.w3.org/2000/svg']);
  });

  it('says so when there is nothing to draw yet', () => {
    const empty = renderStatusPage({ ...base, history: { latency: [], depth: [] } });
    expect(charts(empty).get('Invocation latency')).toContain('no data yet');
  });
});

describe('status page of a running local system', () => {
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startTestLocalSystem({ env: { [DELIVERY_ENV.backoffBaseMs]: '1' } });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('shows a refused delivery parked with its reason, keeps it in the queue while showing it, and the redrive', async () => {
    // Prepare: the partner refuses: the call is parked at once.
    await fetch(`${system.partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status: 400 }) });
    const batch = readFileSync(path.join(PROJECT_ROOT, 'events/audience-membership-add.json'));
    // Act
    await invokeIngress(system.invokeUrl, batch);
    const parked = await waitUntil(
      async () => {
        const status = await system.status();
        return status.deadLetters.length > 0 ? status : undefined;
      },
      20_000,
      () => 'nothing parked',
    );
    // The depth chart samples once a second: wait for a sample that shows the parked message.
    await waitUntil(
      async () => (await system.status()).history.depth.some((sample) => sample.deadLetter >= 1) || undefined,
      10_000,
      () => 'no depth sample showed the parked message',
    );
    const again = await system.status();
    // Healed first: a redrive while the partner still refuses would find each message parked again.
    await fetch(`${system.partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status: 200 }) });
    const moved = await fetch(`${system.invokeUrl}/_redrive`, { method: 'POST' });
    const after = await system.status();
    const html = await (await fetch(`${system.invokeUrl}/_status`)).text();
    // Assess
    expect(parked.deadLetters[0]).toMatchObject({
      reason: 'partner answered 400',
      status: 400,
      path: expect.stringMatching(/^\//),
    });
    expect(again.deadLetters).toHaveLength(1); // reading it did not take it out
    expect(await moved.json()).toMatchObject({ moved: 1, unopenable: [] });
    expect(after.redrives[0]?.moved).toBe(1);
    expect(after.history.latency.length).toBeGreaterThanOrEqual(1);
    expect(after.history.depth.length).toBeGreaterThanOrEqual(1);
    expect(charts(html).size).toBe(2);
  }, 60_000);

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => existsSync(file));
  it.skipIf(chromium === undefined)(
    'renders in a real browser (headless chromium screenshot)',
    async () => {
      // Prepare: something to draw, whatever ran before: an answered invocation and a refused one.
      await invokeIngress(system.invokeUrl, readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json')));
      await invokeIngress(system.invokeUrl, '{"type":"event_processing_request","id":"x","events":[{}]}');
      // Act
      const dir = mkdtempSync(path.join(tmpdir(), 'status-shot-'));
      const png = path.join(dir, 'status.png');
      try {
        // Asynchronously: the page is served by this very process.
        await promisify(execFile)(
          chromium as string,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            `--user-data-dir=${path.join(dir, 'profile')}`,
            `--screenshot=${png}`,
            '--window-size=1280,1600',
            `${system.invokeUrl}/_status`,
          ],
          { timeout: 60_000 },
        );
        // Assess: the charts were drawn: their band at the top holds the budget line's and the parked
        // queue's red and the answered invocations' blue (the rest of the page is black, grey and white).
        const pixels = decodePng(readFileSync(png));
        const count = (r: number, g: number, b: number): number => {
          let n = 0;
          for (let y = 0; y < 400; y++)
            for (let x = 0; x < pixels.width; x++) {
              const [pr, pg, pb] = pixels.at(x, y);
              if (Math.abs(pr - r) < 40 && Math.abs(pg - g) < 40 && Math.abs(pb - b) < 40) n++;
            }
          return n;
        };
        expect(pixels.width).toBe(1280);
        expect(count(0xc0, 0x39, 0x2b)).toBeGreaterThan(150);
        expect(count(0x2e, 0x86, 0xc1)).toBeGreaterThan(50);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
