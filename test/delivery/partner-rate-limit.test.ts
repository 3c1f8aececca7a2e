import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartnerRateLimit } from '../../lambda/delivery/partner-rate-limit';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** The most requests that start in one second: the windows that begin at a start are enough to find it. */
function busiestSecond(starts: readonly number[]): number {
  return Math.max(0, ...starts.map((start) => starts.filter((t) => t >= start && t < start + 1000).length));
}

describe('PartnerRateLimit', () => {
  it('splits the ceiling between the containers that share it', () => {
    expect(new PartnerRateLimit({ ceilingPerSecond: 50, sharedBy: 5 }).ceiling).toBe(10);
  });

  it('never lets more than rate × window requests start in any window, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
        (perSecond, gaps) => {
          // Prepare
          const clock = manualClock();
          const limit = new PartnerRateLimit({ ceilingPerSecond: perSecond, sharedBy: 1, now: clock.now });
          const starts: number[] = [];

          // Act: requests arrive after the given gaps; each starts when its slot comes.
          for (const gap of gaps) {
            clock.advance(gap);
            starts.push(clock.now() + limit.reserve());
          }

          // Assess: in every one-second window starting at a request, at most perSecond requests start.
          expect(busiestSecond(starts)).toBeLessThanOrEqual(perSecond);
        },
      ),
    );
  });

  it('keeps containers sharing a ceiling under it together, whatever their arrivals and the ceiling/sharedBy ratio', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.tuple(fc.nat(5), fc.integer({ min: 0, max: 200 })), { minLength: 1, maxLength: 300 }),
        (sharedBy, extra, arrivals) => {
          // Prepare: a ceiling of at least one request per second per container (10/3, 7/2, …).
          const ceiling = sharedBy + extra;
          const clock = manualClock();
          const limits = Array.from(
            { length: sharedBy },
            () => new PartnerRateLimit({ ceilingPerSecond: ceiling, sharedBy, guardMs: 0, now: clock.now }),
          );
          const starts: number[] = [];

          // Act: requests arrive at the containers in any order.
          for (const [which, gap] of arrivals) {
            clock.advance(gap);
            starts.push(clock.now() + (limits[which % sharedBy] as PartnerRateLimit).reserve());
          }

          // Assess: all containers together start at most `ceiling` requests in any second.
          expect(busiestSecond(starts)).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });

  it('refuses a ceiling below one request per second per container', () => {
    expect(() => new PartnerRateLimit({ ceilingPerSecond: 2, sharedBy: 5 })).toThrow(/cannot be shared by 5/);
  });

  it('tells the wait without taking the slot', () => {
    const clock = manualClock();
    const limit = new PartnerRateLimit({ ceilingPerSecond: 2, sharedBy: 1, guardMs: 0, now: clock.now });
    limit.reserve();
    expect(limit.peek()).toBe(500);
    expect(limit.peek()).toBe(500);
    expect(limit.reserve()).toBe(500);
    expect(limit.peek()).toBe(1_000);
  });

  it('sends at once while under the rate', () => {
    const clock = manualClock();
    const limit = new PartnerRateLimit({ ceilingPerSecond: 10, sharedBy: 1, guardMs: 0, now: clock.now });
    expect(limit.reserve()).toBe(0);
    clock.advance(100);
    expect(limit.reserve()).toBe(0);
    expect(limit.reserve()).toBe(100);
  });

  it('halves the rate and pauses for Retry-After on a 429, and wins the rate back on successes', () => {
    // Prepare
    const clock = manualClock();
    const limit = new PartnerRateLimit({ ceilingPerSecond: 20, sharedBy: 1, now: clock.now });

    // Act / Assess
    limit.throttled(2_000);
    expect(limit.currentRate).toBe(10);
    expect(limit.reserve()).toBe(2_000);
    limit.throttled();
    limit.throttled();
    expect(limit.currentRate).toBe(2.5);
    for (let i = 0; i < 20; i++) limit.succeeded();
    expect(limit.currentRate).toBe(20);
  });

  it('voids the slots handed out before a 429: the next one waits for the pause and the slower spacing', () => {
    // Prepare: a batch reserved five slots 100 ms apart.
    const clock = manualClock();
    const limit = new PartnerRateLimit({ ceilingPerSecond: 10, sharedBy: 1, guardMs: 0, now: clock.now });
    for (let i = 0; i < 5; i++) limit.reserve();
    const before = limit.generation;

    // Act: the first request is answered 429 with Retry-After: 1 s.
    clock.advance(50);
    limit.throttled(1_000);

    // Assess: the generation tells sleepers their slot is void; the next slot is after the pause, then 200 ms apart.
    expect(limit.generation).not.toBe(before);
    expect(limit.reserve()).toBe(1_000);
    expect(limit.reserve()).toBe(1_200);
  });

  it('lingers until a full-rate spacing after its last slot, so a fresh container taking the next batch keeps the pace', () => {
    // Prepare: 5 per second for this container (200 ms apart); nothing sent yet.
    const clock = manualClock();
    const limit = new PartnerRateLimit({ ceilingPerSecond: 10, sharedBy: 2, guardMs: 0, now: clock.now });
    expect(limit.lingerMs()).toBe(0);

    // Act: two requests, the second at +200 ms; the batch ends 50 ms after it.
    limit.reserve();
    clock.advance(limit.reserve() + 50);

    // Assess: the invocation ends 200 ms after its last request.
    expect(limit.lingerMs()).toBe(150);
  });

  it('does not fall below its floor in a 429 storm', () => {
    const limit = new PartnerRateLimit({ ceilingPerSecond: 8, sharedBy: 1, floorPerSecond: 0.5 });
    for (let i = 0; i < 100; i++) limit.throttled();
    expect(limit.currentRate).toBe(0.5);
  });
});
