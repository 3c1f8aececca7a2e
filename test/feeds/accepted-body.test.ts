import { describe, expect, it } from 'vitest';
import { findFailedBatches } from '../../lambda/feeds/accepted-body';
import { exitCodeFor } from '../../lambda/feeds/feed-report';
import { PARTIAL_FAILURE_MESSAGE } from '../../local/events-api-stand-in';
import { idsOf, makeBatches, toNdjson } from './support/batches';
import { runAgainst } from './support/run-feed';
import { useFeedFixtures } from './support/test-fixtures';

const { startServer } = useFeedFixtures('feed-accepted-');

describe('batches that fail inside an accepted (202) bulk request', () => {
  it('are reported as rejected with mParticle message, their neighbours as sent, and nothing is resent', async () => {
    // Prepare
    const batches = makeBatches('partial', 250);
    const failing = new Set(['partial-00007', 'partial-00150', 'partial-00250']);
    const api = await startServer({ failedInsideAccepted: failing });

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches));

    // Assess
    expect(report.stop).toBeUndefined();
    expect(report.sent).toBe(247);
    expect(report.rejected.map((rejection) => rejection.ref.line).sort((a, b) => a - b)).toEqual([7, 150, 250]);
    expect(report.rejected[0]).toMatchObject({
      origin: 'mparticle',
      reason: `line 7: mParticle accepted the request but reported this batch failed: VALIDATION_ERROR: ${PARTIAL_FAILURE_MESSAGE}`,
      text: JSON.stringify(batches[6]),
    });
    expect(api.requests).toHaveLength(3);
    expect(idsOf(batches).every((id) => api.acceptedCount(id) === (failing.has(id) ? 0 : 1))).toBe(true);
    expect(exitCodeFor(report)).toBe(1);
  });

  it('count against every batch of the request when mParticle does not say which batch failed', async () => {
    // Prepare
    const batches = makeBatches('vague', 30);
    const api = await startServer({
      failedInsideAccepted: new Set(['vague-00012']),
      failureAttribution: 'unattributed',
    });

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches), { limits: { maxBatchesPerRequest: 10 } });

    // Assess
    expect(report.sent).toBe(20);
    expect(report.rejected.map((rejection) => rejection.ref.line).sort((a, b) => a - b)).toEqual([
      11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(report.rejected[0]?.reason).toContain('reported for the request of 10 batches without naming the batch');
    expect(report.rejected[0]?.reason).toContain(PARTIAL_FAILURE_MESSAGE);
  });
});

describe('reading a 202 body', () => {
  const batches = [{ sourceRequestId: 'a' }, { sourceRequestId: 'b' }, { sourceRequestId: 'c' }];

  it('finds failures by index, batch_index or source_request_id', () => {
    // Act
    const failed = findFailedBatches(
      JSON.stringify({
        errors: [
          { code: 'BAD_REQUEST', message: 'first', index: 0 },
          { code: 'BAD_REQUEST', message: 'third', source_request_id: 'c' },
          { message: 'also first', batch_index: 0 },
        ],
      }),
      batches,
    );

    // Assess
    expect(failed).toEqual([
      { index: 0, message: 'BAD_REQUEST: first; also first' },
      { index: 2, message: 'BAD_REQUEST: third' },
    ]);
  });

  it('finds nothing in an empty or error-free body', () => {
    // Act & Assess
    for (const body of ['', '   ', '{}', '{"errors":[]}', '[1,2]'])
      expect(findFailedBatches(body, batches)).toEqual([]);
  });

  it('calls a non-JSON or cut body unreadable, quoting a short excerpt', () => {
    // Act
    const results = ['Accepted', '{"errors":[{"code":"BAD_REQUEST","mess'].map((body) =>
      findFailedBatches(body, batches),
    );

    // Assess
    expect(results).toEqual([
      { unreadable: expect.stringContaining('"Accepted"') },
      { unreadable: expect.stringContaining('not JSON or was cut') },
    ]);
  });

  it('pins an unattributed error on the only batch of a one-batch request', () => {
    // Act
    const failed = findFailedBatches('{"errors":[{"code":"BAD_REQUEST","message":"nope","index":7}]}', [
      { sourceRequestId: undefined },
    ]);

    // Assess
    expect(failed).toEqual([{ index: 0, message: 'BAD_REQUEST: nope' }]);
  });
});
