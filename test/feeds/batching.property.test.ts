import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliverBatches } from '../../lambda/feeds/bulk-delivery';
import type { FeedBatch } from '../../lambda/feeds/feed-batch';
import { requestBodyBytes } from '../../lambda/feeds/feed-limits';
import { LineRangeSet } from '../../lambda/feeds/line-range-set';
import { packIntoRequests, renderRequestBody, splitInHalves } from '../../lambda/feeds/request-packer';
import type { SendResult } from '../../lambda/feeds/retrying-send';

const feedBatch = (line: number, size: number): FeedBatch => {
  const json = JSON.stringify({ id: line, pad: 'x'.repeat(size) });
  return { ref: { source: 'p.ndjson', line }, json, bytes: Buffer.byteLength(json), route: 'bulkevents' };
};

const batchesArbitrary = fc
  .array(fc.nat({ max: 600 }), { maxLength: 400 })
  .map((sizes) => sizes.map((size, index) => feedBatch(index + 1, size)));

const limitsArbitrary = fc.record({
  maxBatchesPerRequest: fc.integer({ min: 1, max: 100 }),
  maxRequestBytes: fc.integer({ min: 700, max: 20_000 }),
});

describe('request packing (property)', () => {
  it('never loses, duplicates or reorders a batch and respects both limits', () => {
    fc.assert(
      fc.property(batchesArbitrary, limitsArbitrary, (batches, limits) => {
        // Act
        const requests = packIntoRequests(batches, limits);

        // Assess
        expect(requests.flat()).toEqual(batches);
        for (const request of requests) {
          expect(request.length).toBeGreaterThan(0);
          expect(request.length).toBeLessThanOrEqual(limits.maxBatchesPerRequest);
          const body = renderRequestBody(request);
          expect(Buffer.byteLength(body)).toBe(
            requestBodyBytes(
              request.length,
              request.reduce((sum, b) => sum + b.bytes, 0),
            ),
          );
          expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limits.maxRequestBytes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('splits into halves that together are the whole', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 2, maxLength: 200 }), (items) => {
        // Act
        const [left, right] = splitInHalves(items);

        // Assess
        expect([...left, ...right]).toEqual(items);
        expect(left.length).toBeGreaterThan(0);
        expect(right.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('delivery with splitting on 400 (property)', () => {
  it('delivers every good batch exactly once and rejects exactly the bad ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 100 })
          .chain((count) =>
            fc.tuple(
              fc.constant(count),
              fc.uniqueArray(fc.integer({ min: 1, max: count }), { maxLength: Math.min(count, 8) }),
            ),
          ),
        async ([count, poisonedLines]) => {
          // Prepare
          const batches = Array.from({ length: count }, (_, index) => feedBatch(index + 1, 10));
          const poisoned = new Set(poisonedLines);
          const serverSaw: number[] = [];
          const send = async (part: readonly FeedBatch[]): Promise<SendResult> => {
            if (part.some((batch) => poisoned.has(batch.ref.line)))
              return { kind: 'refused', attempts: 1, message: 'mParticle answered 400: BAD_REQUEST: bad' };
            serverSaw.push(...part.map((batch) => batch.ref.line));
            return { kind: 'accepted', attempts: 1, body: '' };
          };

          // Act
          const outcome = await deliverBatches(send, batches);

          // Assess
          const good = batches.map((batch) => batch.ref.line).filter((line) => !poisoned.has(line));
          expect([...serverSaw].sort((a, b) => a - b)).toEqual(good);
          expect(outcome.delivered.map((batch) => batch.ref.line).sort((a, b) => a - b)).toEqual(good);
          expect(outcome.rejected.map((rejection) => rejection.ref.line).sort((a, b) => a - b)).toEqual(
            [...poisoned].sort((a, b) => a - b),
          );
          expect(outcome.rejected.every((rejection) => rejection.reason.endsWith('BAD_REQUEST: bad'))).toBe(true);
          expect(outcome.unsent).toEqual([]);
          // Isolation stays cheap: about 2·log2(n) requests per bad batch.
          expect(outcome.requests).toBeLessThanOrEqual(1 + poisoned.size * 2 * Math.ceil(Math.log2(count + 1)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports every batch as unsent, never dropped, when retries run out mid-split', async () => {
    // Prepare
    const batches = Array.from({ length: 10 }, (_, index) => feedBatch(index + 1, 10));
    let calls = 0;
    const send = async (): Promise<SendResult> => {
      calls += 1;
      return calls === 1
        ? { kind: 'refused', attempts: 1, message: 'bad' }
        : { kind: 'gave-up', attempts: 3, message: 'server down' };
    };

    // Act
    const outcome = await deliverBatches(send, batches);

    // Assess
    expect(outcome.unsent).toHaveLength(10);
    expect(outcome.stop?.kind).toBe('retries-exhausted');
    expect(outcome.delivered).toHaveLength(0);
  });
});

describe('line range set (property)', () => {
  it('answers membership like a plain set and stays merged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 300 }), (lines) => {
        // Act
        const set = new LineRangeSet();
        for (const line of lines) set.add(line);
        const reloaded = new LineRangeSet(set.toJSON());

        // Assess
        const expected = new Set(lines);
        for (let line = 0; line <= 301; line += 1) expect(reloaded.has(line)).toBe(expected.has(line));
        expect(reloaded.count).toBe(expected.size);
        const ranges = set.toJSON();
        for (let index = 1; index < ranges.length; index += 1) {
          expect((ranges[index]?.[0] ?? 0) - (ranges[index - 1]?.[1] ?? 0)).toBeGreaterThan(1);
        }
      }),
    );
  });
});
