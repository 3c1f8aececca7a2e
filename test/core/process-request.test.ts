import { describe, expect, it, vi } from 'vitest';
import type { InlineOutcome } from '../../lambda/core/delivery-port';
import { processRequest, type CoreDependencies } from '../../lambda/core/process-request';
import { parseFirehoseRequest, parseJson } from '../../lambda/firehose';
import { integration } from '../../lambda/integration';
import {
  customEvents,
  dsrErasure,
  event,
  eventBatch,
  membershipChange,
  profiles,
  registrationRequest,
  SECRET_API_KEY,
  subscription,
} from '../support/factories';
import { recordingPort } from '../support/recording-port';

function setup(inlineOutcome?: InlineOutcome, overrides: Partial<CoreDependencies> = {}) {
  const recorder = recordingPort(inlineOutcome);
  const deps: CoreDependencies = {
    integration,
    delivery: recorder.port,
    maxMessageBytes: 256 * 1024,
    suspendOnAuthFailure: true,
    ...overrides,
  };
  const run = (message: unknown) => processRequest(parseFirehoseRequest(message), deps);
  return { ...recorder, run };
}

describe('processRequest: responses', () => {
  it.each([
    [registrationRequest(), 'module_registration_response'],
    [eventBatch(customEvents(1)), 'event_processing_response'],
    [subscription('add'), 'audience_subscription_response'],
    [membershipChange(profiles(1)), 'audience_membership_change_response'],
    [dsrErasure(), 'dsr_processing_response'],
  ])('answers with a fresh envelope (%#)', async (message, type) => {
    const before = Date.now();
    const { response } = await setup().run(message);
    expect(response.type).toBe(type);
    expect(response.id).not.toBe(message['id']);
    expect(response.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.firehose_version).toBe('3.2.0');
    expect(response.timestamp_ms).toBeGreaterThanOrEqual(before);
  });

  it('writes suspend_subscription false on the membership response, as the SDK does', async () => {
    const { response } = await setup().run(membershipChange(profiles(1)));
    expect(response).toMatchObject({ suspend_subscription: false });
  });

  it('answers registration with the declared registration', async () => {
    const { response } = await setup().run(registrationRequest());
    expect(response).toMatchObject({ name: integration.registration.name, version: integration.registration.version });
  });
});

describe('processRequest: verification messages do no other work', () => {
  it.each([
    ['events: []', eventBatch([])],
    ['no events field', eventBatch(undefined)],
    ['membership without user_profiles', membershipChange(undefined)],
    ['membership with user_profiles: []', membershipChange([])],
  ])('%s', async (_name, message) => {
    const { run, inline, queued } = setup();
    const { summary } = await run(message);
    expect(summary.outcome).toBe('verification');
    expect(inline).toHaveLength(0);
    expect(queued).toHaveLength(0);
  });
});

describe('processRequest: routing by type', () => {
  it('sends an event batch in-line as one call with the request id as idempotency key', async () => {
    const { run, inline, queued } = setup();
    const message = eventBatch(customEvents(3));
    await run(message);
    expect(queued).toHaveLength(0);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toMatchObject({ path: '/events', idempotencyKey: `${String(message['id'])}:0`, chunk: { index: 0, count: 1 } });
  });

  it('sends subscriptions in-line and queues memberships and erasures', async () => {
    const { run, inline, queued } = setup();
    await run(subscription('remove'));
    await run(membershipChange(profiles(2)));
    await run(dsrErasure());
    expect(inline.map((c) => c.path)).toEqual(['/audience-subscriptions']);
    expect(queued.map((c) => c.path)).toEqual(['/audience-memberships', '/erasures']);
  });

  it('gives the transport only the confidential settings, and no secret in the body', async () => {
    const { run, inline } = setup();
    await run(eventBatch(customEvents(1), { account: { account_id: 1, account_settings: { apiKey: SECRET_API_KEY, region: 'eu' } } }));
    expect(inline[0]?.secrets).toEqual({ apiKey: SECRET_API_KEY });
    expect(inline[0]?.bodyText).not.toContain(SECRET_API_KEY);
  });

  it('skips unknown event types and delivers the rest', async () => {
    const { run, inline } = setup();
    const { summary } = await run(eventBatch([...customEvents(2), event('hologram')]));
    expect(summary).toMatchObject({ events: 2, skippedEvents: 1, outcome: 'delivered' });
    expect((parseJson(inline[0]?.bodyText ?? '') as { events: unknown[] }).events).toHaveLength(2);
  });

  it('asks mParticle to suspend when the partner refuses the customer key in-line, unless turned off', async () => {
    const refused: InlineOutcome = { kind: 'parked', status: 401, reason: 'unauthorized' };
    expect((await setup(refused).run(eventBatch(customEvents(1)))).response).toMatchObject({ suspend_subscription: true });
    const off = await setup(refused, { suspendOnAuthFailure: false }).run(eventBatch(customEvents(1)));
    expect(off.response).not.toHaveProperty('suspend_subscription');
    const transient = await setup({ kind: 'queued', reason: 'timeout' }).run(eventBatch(customEvents(1)));
    expect(transient.response).not.toHaveProperty('suspend_subscription');
  });
});

describe('processRequest: splitting to the queue message limit', () => {
  it('splits 5,000 profiles into messages under 256 KiB, keeping every mpid once and in order', async () => {
    // Prepare
    const { run, queued } = setup();
    const message = membershipChange(profiles(5_000));
    // Act
    const { summary } = await run(message);
    // Assess
    expect(summary.calls).toBe(queued.length);
    expect(queued.length).toBeGreaterThan(5);
    const mpids = queued.flatMap((call) => (parseJson(call.bodyText) as { memberships: { mpid: string }[] }).memberships.map((m) => m.mpid));
    expect(mpids).toEqual(profiles(5_000).map((p) => p['mpid']));
    queued.forEach((call, index) => {
      expect(Buffer.byteLength(call.bodyText)).toBeLessThanOrEqual(256 * 1024 - 4 * 1024);
      expect(call).toMatchObject({ idempotencyKey: `${String(message['id'])}:${index}`, chunk: { index, count: queued.length } });
    });
  });

  it('plans the same chunks every time for the same request', async () => {
    const message = membershipChange(profiles(800));
    const first = setup({ kind: 'delivered', status: 200 }, { maxMessageBytes: 64 * 1024 });
    const second = setup({ kind: 'delivered', status: 200 }, { maxMessageBytes: 64 * 1024 });
    await first.run(message);
    await second.run(message);
    expect(first.queued.map((c) => c.bodyText)).toEqual(second.queued.map((c) => c.bodyText));
  });

  it('queues a profile larger than one message as a call of its own, with its neighbours in others', async () => {
    // Prepare: the middle profile alone maps to more than a 64 KiB message holds.
    const huge = { mpid: '1', audiences: [{ audience_id: 1, action: 'add', audience_name: 'x'.repeat(70_000) }] };
    const message = membershipChange([...profiles(100), huge, ...profiles(100)]);
    const { run, queued } = setup(undefined, { maxMessageBytes: 64 * 1024 });
    // Act
    const { summary } = await run(message);
    // Assess: not refused; the big one travels alone (by claim check, in lambda/delivery), nothing lost.
    expect(summary.outcome).toBe('queued');
    const mpidsPerCall = queued.map((call) => (parseJson(call.bodyText) as { memberships: { mpid: string }[] }).memberships.map((m) => m.mpid));
    expect(mpidsPerCall.flat()).toEqual([...profiles(100), huge, ...profiles(100)].map((p) => p['mpid']));
    const alone = queued.filter((call) => Buffer.byteLength(call.bodyText) > 60 * 1024);
    expect(alone).toHaveLength(1);
    expect(mpidsPerCall[queued.indexOf(alone[0] as (typeof queued)[number])]).toEqual(['1']);
  });
});

describe('processRequest: in-line calls are never cut to the queue size', () => {
  it('sends a batch larger than one queue message as one call, mapped once', async () => {
    // Prepare: ~300 bytes per event, so 2,000 events are about twice a 256 KiB message.
    const message = eventBatch(customEvents(2_000));
    const mapEvents = vi.spyOn(integration, 'mapEvents');
    const { run, inline, queued } = setup();
    // Act
    const { summary } = await run(message);
    // Assess
    expect(summary).toMatchObject({ calls: 1, outcome: 'delivered' });
    expect(mapEvents).toHaveBeenCalledTimes(1);
    mapEvents.mockRestore();
    expect(queued).toHaveLength(0);
    const [call] = inline as [(typeof inline)[number]];
    expect(Buffer.byteLength(call.bodyText)).toBeGreaterThan(256 * 1024);
    expect(call).toMatchObject({ idempotencyKey: `${String(message['id'])}:0`, chunk: { index: 0, count: 1 } });
    expect((parseJson(call.bodyText) as { events: unknown[] }).events).toHaveLength(2_000);
  });

  it('sends an event larger than one queue message in-line rather than refusing it', async () => {
    const message = eventBatch([event('custom_event', { name: 'big', attributes: { blob: 'y'.repeat(300_000) } })]);
    const { run, inline } = setup();
    const { summary } = await run(message);
    expect(summary).toMatchObject({ calls: 1, outcome: 'delivered' });
    expect(Buffer.byteLength(inline[0]?.bodyText ?? '')).toBeGreaterThan(300_000);
  });
});
