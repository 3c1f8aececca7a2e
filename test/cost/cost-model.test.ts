import { describe, expect, it } from 'vitest';
import { audienceSyncCapacity, DEFAULT_QUOTAS, eventRateCapacity } from '../../cost/capacity-model';
import {
  costPerMillionEvents,
  costPerMillionMembershipChanges,
  durations,
  kmsCallsPerSecond,
  queueShape,
} from '../../cost/cost-model';
import { DEFAULT_INPUTS, inputsFromBenchResults, type ModelInputs } from '../../cost/inputs';
import { PRICES_US_EAST_1_ARM64 as PRICES } from '../../cost/prices';

/** Round figures, so every expected value below can be checked by hand. */
function inputs(overrides: Partial<ModelInputs> = {}): ModelInputs {
  return {
    ...DEFAULT_INPUTS,
    eventsPerRequest: 10,
    profilesPerRequest: 100,
    audiencesPerProfile: 1,
    ingressBaseMs: 1,
    ingressPerEventMs: 0.1,
    ingressPerProfileMs: 0.02,
    lambdaCpuSlowdown: 1,
    partnerInlineMs: 30,
    partnerQueuedMs: 95,
    sqsSendMs: 20,
    workerOverheadMs: 5,
    queueBytesPerProfile: 500,
    queueMessageOverheadBytes: 1_200,
    queueMessageMaxBytes: 262_144,
    workerBatchSize: 10,
    workerMaxConcurrency: 5,
    ingressLogBytes: 1_000,
    workerLogBytes: 2_000,
    dataKeyMaxAgeSeconds: 900,
    ...overrides,
  };
}

const line = (table: { lines: readonly { item: string; quantity: number; usd: number }[] }, start: string) => {
  const found = table.lines.find((l) => l.item.startsWith(start));
  if (!found) throw new Error(`no line "${start}"`);
  return found;
};

describe('billed durations', () => {
  it('add the wait for the partner (in-line) or for SQS (queued) to the scaled work, rounded up to whole ms', () => {
    expect(durations(inputs())).toEqual({ ingressEventMs: 32, ingressMembershipMs: 23, workerBatchMs: 100 });
    expect(durations(inputs({ lambdaCpuSlowdown: 2 })).ingressEventMs).toBe(34);
  });
});

describe('queue shape', () => {
  it('fits a 100-profile request in one message and one billed send', () => {
    expect(queueShape(inputs())).toEqual({
      messagesPerRequest: 1,
      messageBytes: 51_200,
      sendCallsPerRequest: 1,
      billedSendsPerRequest: 1,
    });
  });

  it('splits a 1,000-profile request at the message limit and bills each 64 KiB chunk of the batch', () => {
    // 500,000 B of profiles over 260,944 B of room: 2 messages of 251,200 B, one call of 502,400 B = 8 chunks.
    expect(queueShape(inputs({ profilesPerRequest: 1_000 }))).toEqual({
      messagesPerRequest: 2,
      messageBytes: 251_200,
      sendCallsPerRequest: 1,
      billedSendsPerRequest: 8,
    });
  });
});

describe('cost per million events (in-line)', () => {
  it('is Lambda requests, GB-seconds and log bytes; no SQS, no KMS', () => {
    const table = costPerMillionEvents(inputs(), PRICES);
    expect(line(table, 'ingress Lambda requests')).toMatchObject({ quantity: 100_000, usd: 0.02 });
    expect(line(table, 'ingress Lambda duration').quantity).toBeCloseTo(3_200, 6);
    expect(line(table, 'ingress Lambda duration').usd).toBeCloseTo(3_200 * 0.0000133334, 10);
    expect(line(table, 'SQS').usd).toBe(0);
    expect(line(table, 'KMS').usd).toBe(0);
    expect(line(table, 'CloudWatch Logs')).toMatchObject({ quantity: 0.1, usd: 0.05 });
    expect(table.totalUsd).toBeCloseTo(0.02 + 3_200 * 0.0000133334 + 0.05, 10);
  });

  it('scales GB-seconds with memory', () => {
    expect(
      line(costPerMillionEvents(inputs({ memoryMb: 2048 }), PRICES), 'ingress Lambda duration').quantity,
    ).toBeCloseTo(6_400, 6);
  });
});

describe('cost per million membership changes (queued)', () => {
  it('counts sends, batched receives and deletes, worker batches, and KMS calls per container', () => {
    const table = costPerMillionMembershipChanges(inputs(), PRICES, 1_000);
    // 10,000 requests → 10,000 messages of 51,200 B; receives of 10 = 512,000 B = 8 chunks each.
    expect(line(table, 'ingress Lambda requests').quantity).toBe(10_000);
    expect(line(table, 'worker Lambda requests').quantity).toBe(1_000);
    expect(line(table, 'worker Lambda duration').quantity).toBeCloseTo(100, 6);
    expect(line(table, 'SQS requests')).toMatchObject({ quantity: 10_000 + 1_000 * 8 + 1_000 });
    // 10 requests/s × 23 ms → 1 ingress container; 10 messages/s = 1 batch/s × 0.1 s → 1 worker container: (1 + 1 × 1) / 900 per s.
    expect(line(table, 'KMS requests').quantity).toBeCloseTo((2 / 900 / 1_000) * 1e6, 9);
    expect(line(table, 'CloudWatch Logs').quantity).toBeCloseTo((10_000 * 1_000 + 1_000 * 2_000) / 1e9, 12);
  });

  it('KMS: one data key per ingress container per key age, each opened once per worker container', () => {
    expect(kmsCallsPerSecond(4, 5, inputs())).toBeCloseTo(24 / 900, 12);
  });
});

describe('capacity model', () => {
  it("uses Little's law, and names the invoke rate as the first limit when calls are short", () => {
    const row = eventRateCapacity(100_000, inputs(), DEFAULT_QUOTAS);
    expect(row).toMatchObject({
      ingressRequestsPerSecond: 10_000,
      partnerRequestsPerSecond: 10_000,
      sqsRequestsPerSecond: 0,
    });
    expect(row.ingressConcurrency).toBeCloseTo(320, 9);
    expect(row.binding.quota).toBe('invoke rate (10,000/s)');
    expect(row.binding.utilisation).toBeCloseTo(1, 9);
  });

  it('names account concurrency once a call lasts longer than 100 ms (the invoke limit is 10 × concurrency)', () => {
    const row = eventRateCapacity(10_000, inputs({ partnerInlineMs: 300 }), DEFAULT_QUOTAS);
    expect(row.ingressConcurrency).toBeCloseTo(302, 9);
    expect(row.binding.quota).toBe('account concurrency (1,000)');
    expect(row.binding.knob).toContain('Concurrent executions');
  });

  it("drains an audience sync at the event source's maximum concurrency", () => {
    // Drain: 5 × 10 messages per 0.1 s = 500 messages/s; 10,000 messages.
    const slow = audienceSyncCapacity(1_000_000, 50, inputs(), DEFAULT_QUOTAS);
    expect(slow).toMatchObject({ partnerRequestsPerSecond: 50, completesInSeconds: 200 });
    expect(slow.binding).toMatchObject({ quota: 'event source maximum concurrency (5)', utilisation: 0.1 });
    const fast = audienceSyncCapacity(1_000_000, 1_000, inputs(), DEFAULT_QUOTAS);
    expect(fast).toMatchObject({ partnerRequestsPerSecond: 500, completesInSeconds: 20, workerConcurrency: 5 });
    expect(fast.binding.utilisation).toBe(2);
    expect(fast.binding.knob).toContain('workerMaxConcurrency');
  });
});

describe('inputs from a bench run', () => {
  it('fits the per-event cost from the 1- and 100-event cases and the per-profile cost from 5,000 profiles', () => {
    const results = {
      date: '2026-11-23T16:08:06.279Z',
      handler: [
        { case: '1 event', mode: 'loopback', medianMs: 0.5 },
        { case: '100 events', mode: 'loopback', medianMs: 1.49 },
        { case: '5,000 profiles', mode: 'stubbed', medianMs: 50 },
      ],
    };
    const read = inputsFromBenchResults(results, inputs());
    expect(read.ingressPerEventMs).toBeCloseTo(0.01, 12);
    expect(read.ingressBaseMs).toBeCloseTo(0.49, 12);
    expect(read.ingressPerProfileMs).toBeCloseTo(0.01, 12);
    expect(read.source).toBe('bench/results.json of 2026-11-23');
  });

  it('keeps the documented defaults when the results lack a case', () => {
    expect(inputsFromBenchResults({ handler: [] }, inputs())).toEqual(inputs());
    expect(inputsFromBenchResults(undefined)).toBe(DEFAULT_INPUTS);
  });
});
