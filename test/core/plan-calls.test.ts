import { describe, expect, it } from 'vitest';
import { type CallPlanInput, planCalls, QUEUE_ENVELOPE_ALLOWANCE_BYTES } from '../../lambda/core/plan-calls';
import type { PartnerCall } from '../../lambda/core/partner-integration';

/**
 * planCalls on its own, with a mapping whose sizes are known: how full the queued calls are, the exact limit,
 * and mappings that send nothing. Written for the survivors of `npm run mutation` (README, "Mutation testing");
 * process-request.test.ts covers the same planning through the example integration.
 */

const MAX = 64 * 1024;
const LIMIT = MAX - QUEUE_ENVELOPE_ALLOWANCE_BYTES;

/** One item per entry, serialized as `{"items":[…]}`. */
const asBody = (items: readonly string[]): PartnerCall => ({ path: '/things', body: { items: [...items] } });

function plan(
  items: readonly string[],
  overrides: Partial<CallPlanInput<string>> = {},
): { calls: ReturnType<typeof planCalls>; builds: number } {
  let builds = 0;
  const calls = planCalls<string>({
    requestType: 'audience_membership_change_request',
    requestId: 'req',
    accountId: 1,
    secrets: {},
    travel: 'queue',
    items,
    build: (slice) => {
      builds++;
      return asBody(slice);
    },
    maxMessageBytes: MAX,
    ...overrides,
  });
  return { calls, builds };
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const itemsOf = (calls: ReturnType<typeof planCalls>): string[] =>
  calls.flatMap((call) => (JSON.parse(call.bodyText) as { items: string[] }).items);

describe('queued calls are cut to the queue message, and filled', () => {
  it.each([
    ['a short list (serialized whole first)', 200, 1_000],
    ['a long list (sized from a sample)', 3_000, 100],
  ])('%s: every body within the limit, every item once and in order, few calls', (_name, count, size) => {
    // Prepare
    const items = Array.from({ length: count }, (_, i) => `${i}:`.padEnd(size, 'x'));
    const total = bytes(JSON.stringify({ items }));
    // Act
    const { calls } = plan(items);
    // Assess
    expect(total).toBeGreaterThan(2 * LIMIT);
    for (const call of calls) expect(bytes(call.bodyText)).toBeLessThanOrEqual(LIMIT);
    expect(itemsOf(calls)).toEqual(items);
    // Slices aim at 90% of the limit: no more calls than messages filled to 80% would need.
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(total / (0.8 * LIMIT)));
    expect(calls.map((call) => call.idempotencyKey)).toEqual(calls.map((_, i) => `req:${i}`));
    expect(calls.every((call) => call.chunk.count === calls.length)).toBe(true);
  });

  it('keeps a body of exactly the limit whole, and cuts one a byte larger', () => {
    // Prepare: two items whose body is LIMIT bytes: `{"items":["…","…"]}` is 17 bytes around them.
    const first = 'a'.repeat(30_000);
    const exact = [first, 'b'.repeat(LIMIT - 17 - first.length)];
    const over = [first, 'b'.repeat(LIMIT - 16 - first.length)];
    // Act
    const atLimit = plan(exact).calls;
    const overLimit = plan(over).calls;
    // Assess
    expect(bytes(atLimit[0]?.bodyText ?? '')).toBe(LIMIT);
    expect(atLimit).toHaveLength(1);
    expect(overLimit).toHaveLength(2);
  });
});

describe('a mapping that sends nothing', () => {
  it('makes no call, in-line or queued', () => {
    // Act
    const inline = plan(['a'], { travel: 'inline', build: () => undefined }).calls;
    const queued = plan(['a', 'b'], { build: () => undefined }).calls;
    // Assess
    expect(inline).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('leaves out the slices it sends nothing for, and numbers the rest without gaps', () => {
    // Prepare: a long list whose first half the mapping drops (e.g. audiences filtered out).
    const items = Array.from({ length: 400 }, (_, i) => `${i < 200 ? 'drop' : 'keep'}${i}`.padEnd(600, '.'));
    const build = (slice: readonly string[]) => {
      const kept = slice.filter((item) => item.startsWith('keep'));
      return kept.length === 0 ? undefined : asBody(kept);
    };
    // Act
    const { calls } = plan(items, { build });
    // Assess
    expect(itemsOf(calls)).toEqual(items.slice(200));
    expect(calls.map((call) => call.chunk)).toEqual(calls.map((_, index) => ({ index, count: calls.length })));
  });
});

describe('an in-line call', () => {
  it('is one call of the whole request however large, mapped once', () => {
    // Prepare
    const items = Array.from({ length: 400 }, (_, i) => `${i}`.padEnd(1_000, 'x'));
    // Act
    const { calls, builds } = plan(items, { travel: 'inline' });
    // Assess
    expect(calls).toHaveLength(1);
    expect(bytes(calls[0]?.bodyText ?? '')).toBeGreaterThan(MAX);
    expect(builds).toBe(1);
  });
});
