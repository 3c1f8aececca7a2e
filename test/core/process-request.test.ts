import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { InlineOutcome } from '../../lambda/core/delivery-port';
import { parseJson } from '../../lambda/firehose';
import { createCoreDependencies } from '../../lambda/delivery/create-delivery';
import type { PartnerIntegration } from '../../lambda/core/partner-integration';
import { integration } from '../support/kit-integration';
import { createLogger } from '../../lambda/observability/logger';
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
import { recordingCore } from '../support/recording-port';
import { DELIVERY_ENV } from '../../lambda/config/environment';

const setup = recordingCore;

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
    expect(inline[0]).toMatchObject({
      path: '/events',
      idempotencyKey: `${String(message['id'])}:0`,
      chunk: { index: 0, count: 1 },
    });
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
    await run(
      eventBatch(customEvents(1), {
        account: { account_id: 1, account_settings: { apiKey: SECRET_API_KEY, region: 'eu' } },
      }),
    );
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
    expect((await setup(refused).run(eventBatch(customEvents(1)))).response).toMatchObject({
      suspend_subscription: true,
    });
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
    const mpids = queued.flatMap((call) =>
      (parseJson(call.bodyText) as { memberships: { mpid: string }[] }).memberships.map((m) => m.mpid),
    );
    expect(mpids).toEqual(profiles(5_000).map((p) => p['mpid']));
    queued.forEach((call, index) => {
      expect(Buffer.byteLength(call.bodyText)).toBeLessThanOrEqual(256 * 1024 - 4 * 1024);
      expect(call).toMatchObject({
        idempotencyKey: `${String(message['id'])}:${index}`,
        chunk: { index, count: queued.length },
      });
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
    const mpidsPerCall = queued.map((call) =>
      (parseJson(call.bodyText) as { memberships: { mpid: string }[] }).memberships.map((m) => m.mpid),
    );
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

/** The default integration with `allow_eventless_batches` set as given. */
function withEventless(allow: boolean): PartnerIntegration {
  const permissions = { ...integration.registration.permissions, allow_eventless_batches: allow };
  return { ...integration, registration: { ...integration.registration, permissions } };
}

const userData = {
  user_identities: [{ type: 'email', encoding: 'sha256', value: 'hash-of-ada' }],
  user_attributes: { plan: 'pro' },
};

describe('processRequest: eventless batches follow allow_eventless_batches', () => {
  it('with the permission, forwards the user data of a batch whose events were all of unknown types', async () => {
    // Prepare
    const { run, inline } = setup(undefined, { integration: withEventless(true) });
    // Act
    const { summary } = await run(eventBatch([event('hologram'), event('hologram')], userData));
    // Assess
    expect(summary).toMatchObject({ events: 0, skippedEvents: 2, calls: 1, outcome: 'delivered' });
    const body = parseJson(inline[0]?.bodyText ?? '') as { events: unknown[]; user: Record<string, unknown> };
    expect(body.events).toEqual([]);
    expect(body.user).toMatchObject({
      attributes: { plan: 'pro' },
      identities: [{ type: 'email', value: 'hash-of-ada' }],
    });
  });

  it.each([
    ['consent only', { consent_state: { gdpr_consent_state: { analytics: { consented: true } } } }],
    ['a system notification only', { system_notifications: [{ type: 'gdpr_consent_state' }] }],
    [
      'device identities only',
      {
        runtime_environment: {
          type: 'ios',
          identities: [{ type: 'ios_advertising_id', encoding: 'raw', value: 'idfa' }],
        },
      },
    ],
  ])('with the permission, forwards an eventless batch carrying %s', async (_name, data) => {
    const { run, inline } = setup(undefined, { integration: withEventless(true) });
    const { summary } = await run(eventBatch(undefined, data));
    expect(summary.outcome).toBe('delivered');
    expect(inline).toHaveLength(1);
  });

  it.each([
    ['events: []', eventBatch([])],
    ['no events field', eventBatch(undefined)],
    ['empty user data', eventBatch([], { user_attributes: {}, user_identities: [] })],
  ])('with the permission, still answers a pure verification batch (%s) without a call', async (_name, message) => {
    const { run, inline, queued } = setup(undefined, { integration: withEventless(true) });
    const { summary } = await run(message);
    expect(summary.outcome).toBe('verification');
    expect([...inline, ...queued]).toEqual([]);
  });

  it('without the permission, still forwards the user data an eventless batch carries, and warns (issue 22, item 10)', async () => {
    // Prepare
    const { run, inline } = setup(undefined, { integration: withEventless(false) });
    // Act
    const eventless = await run(eventBatch(undefined, userData));
    const allUnknown = await run(eventBatch([event('hologram')], userData));
    const nothing = await run(eventBatch([event('hologram')]));
    // Assess
    expect(eventless.summary).toMatchObject({
      outcome: 'delivered',
      warning: expect.stringContaining('allow_eventless'),
    });
    expect(allUnknown.summary).toMatchObject({ outcome: 'delivered', skippedEventTypes: { hologram: 1 } });
    expect(nothing.summary).toMatchObject({ outcome: 'nothing-to-send', skippedEventTypes: { hologram: 1 } });
    expect(inline).toHaveLength(2);
  });
});

describe('suspend_subscription is opt-in', () => {
  const logger = createLogger('test');
  it(`is off unless ${DELIVERY_ENV.suspendOnAuthFailure} is true`, () => {
    expect(createCoreDependencies(integration, {}, logger).suspendOnAuthFailure).toBe(false);
    expect(
      createCoreDependencies(integration, { [DELIVERY_ENV.suspendOnAuthFailure]: 'false' }, logger)
        .suspendOnAuthFailure,
    ).toBe(false);
    expect(
      createCoreDependencies(integration, { [DELIVERY_ENV.suspendOnAuthFailure]: 'TRUE' }, logger).suspendOnAuthFailure,
    ).toBe(true);
  });
});

/** mParticle's own DSR sample (Firehose Java SDK 3.2.0, examples/json): it carries no `account`. */
const officialDsr = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures/official/DsrProcessingRequest.json'), 'utf8')) as Record<
    string,
    unknown
  >;

describe('processRequest: DSR requests', () => {
  it('queues the official sample (no account) as one erasure call without customer secrets', async () => {
    // Prepare
    const { run, queued } = setup();
    const sample = officialDsr();
    expect(sample).not.toHaveProperty('account');
    // Act
    const { summary } = await run(sample);
    // Assess
    expect(summary).toMatchObject({ outcome: 'queued', calls: 1 });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      path: '/erasures',
      requestType: 'dsr_processing_request',
      secrets: {},
      accountId: undefined,
    });
    expect(parseJson(queued[0]?.bodyText ?? '')).toMatchObject({
      subject_request_id: sample['subject_request_id'],
      regulation: 'gdpr',
    });
  });

  it.each([['access'], ['portability'], [undefined]])(
    'sends nothing for subject_request_type %s, answers normally and warns',
    async (kind) => {
      // Prepare
      const { run, queued, inline } = setup();
      const message = { ...officialDsr(), subject_request_type: kind };
      // Act
      const { response, summary } = await run(message);
      // Assess
      expect(response.type).toBe('dsr_processing_response');
      expect(summary).toMatchObject({
        outcome: 'nothing-to-send',
        calls: 0,
        warning: 'skipped a DSR request that is not an erasure',
      });
      expect([...queued, ...inline]).toEqual([]);
    },
  );
});
