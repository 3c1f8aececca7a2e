import { describe, expect, it } from 'vitest';
import type { InlineOutcome } from '../../lambda/core/delivery-port';
import { summarize } from '../../lambda/core/invocation-summary';
import { observedDelivery } from '../../lambda/core/observed-delivery';
import { describeCall, type OutboundCall } from '../../lambda/core/outbound-call';
import { integration } from '../support/kit-integration';
import {
  customEvents,
  dsrErasure,
  eventBatch,
  membershipChange,
  profiles,
  registrationRequest,
  SECRET_API_KEY,
  subscription,
} from '../support/factories';
import { recordingCore, recordingPort } from '../support/recording-port';

/**
 * The one-line summary the functions log and count metrics from, field for field (toStrictEqual: a field that
 * should be absent must be absent), and the small helpers around a call. Written for the survivors of
 * `npm run mutation` in lambda/core (README, "Mutation testing").
 */

const setup = recordingCore;

const delivered: InlineOutcome = { kind: 'delivered', status: 202 };
const queued: InlineOutcome = { kind: 'queued', reason: 'circuit open' };
const parked: InlineOutcome = { kind: 'parked', status: 400, reason: 'partner answered 400' };

describe('summarize: one outcome for the calls sent in-line', () => {
  it.each<[string, InlineOutcome[], string]>([
    ['no call', [], 'nothing-to-send'],
    ['all delivered', [delivered, delivered], 'delivered'],
    ['all queued', [queued, queued], 'queued'],
    ['all parked', [parked], 'parked'],
    ['delivered and queued', [delivered, queued], 'mixed'],
    ['queued and parked', [queued, parked], 'mixed'],
  ])('%s', (_name, outcomes, expected) => {
    expect(summarize(outcomes)).toBe(expected);
  });
});

describe('the summary of each request type', () => {
  it('registration: its id, no call, registered', async () => {
    // Prepare
    const message = registrationRequest();
    // Act
    const { summary } = await setup().run(message);
    // Assess
    expect(summary).toStrictEqual({
      type: 'module_registration_request',
      requestId: message['id'],
      calls: 0,
      outcome: 'registered',
    });
  });

  it('event batch: ids, counts and each in-line outcome', async () => {
    // Prepare
    const message = eventBatch(customEvents(3), {
      account: { account_id: 7, account_settings: { apiKey: SECRET_API_KEY } },
    });
    // Act
    const { summary } = await setup(queued).run(message);
    // Assess
    expect(summary).toStrictEqual({
      type: 'event_processing_request',
      requestId: message['id'],
      sourceId: message['source_id'],
      accountId: 7,
      events: 3,
      skippedEvents: 0,
      calls: 1,
      outcome: 'queued',
      inline: ['queued'],
    });
  });

  it('ids sent as numbers are summarized as their text, as Jackson reads a String from a number', async () => {
    // Prepare: as text, as mParticle sends it (a pre-parsed number keeps JavaScript's reading of it)
    const batch = JSON.stringify(eventBatch(customEvents(1), { source_id: 12345 }));
    const registration = JSON.stringify({ ...registrationRequest(), id: 5 });
    // Act
    const events = await setup().run(batch);
    const registered = await setup().run(registration);
    // Assess
    expect(events.summary.sourceId).toBe('12345');
    expect(registered.summary.requestId).toBe('5');
  });

  it('subscription: one in-line call and its outcome', async () => {
    // Prepare
    const message = subscription('add');
    // Act
    const { summary } = await setup(parked).run(message);
    // Assess
    expect(summary).toStrictEqual({
      type: 'audience_subscription_request',
      requestId: message['id'],
      accountId: 4242,
      calls: 1,
      outcome: 'parked',
      inline: ['parked'],
    });
  });

  it('membership change: queued calls, counted', async () => {
    // Prepare
    const message = membershipChange(profiles(4));
    // Act
    const { summary } = await setup().run(message);
    // Assess
    expect(summary).toStrictEqual({
      type: 'audience_membership_change_request',
      requestId: message['id'],
      accountId: 4242,
      profiles: 4,
      calls: 1,
      outcome: 'queued',
    });
  });

  it('membership change and erasure the mapping turns into no call: nothing to send, nothing queued', async () => {
    // Prepare: an integration that sends neither.
    const { run, queued: calls } = setup(undefined, {
      integration: { ...integration, mapAudienceMembership: () => undefined, mapErasure: () => undefined },
    });
    // Act
    const membership = await run(membershipChange(profiles(2)));
    const erasure = await run(dsrErasure());
    // Assess
    expect(membership.summary).toMatchObject({ calls: 0, outcome: 'nothing-to-send' });
    expect(erasure.summary).toMatchObject({ calls: 0, outcome: 'nothing-to-send' });
    expect(calls).toEqual([]);
  });

  it('erasure: queued, with its request id', async () => {
    // Prepare
    const message = dsrErasure();
    // Act
    const { summary } = await setup().run(message);
    // Assess
    expect(summary).toStrictEqual({
      type: 'dsr_processing_request',
      requestId: message['id'],
      accountId: undefined,
      calls: 1,
      outcome: 'queued',
    });
  });

  it('a DSR request that is not an erasure: its type, cut to 80 characters', async () => {
    // Act
    const { summary } = await setup().run(dsrErasure({ subject_request_type: 'x'.repeat(200) }));
    // Assess
    expect(summary.subjectRequestType).toBe('x'.repeat(80));
  });
});

describe('suspend_subscription: only for an in-line 401 or 403 refusal', () => {
  it.each<[string, InlineOutcome, boolean]>([
    ['parked 401', { kind: 'parked', status: 401, reason: 'partner answered 401' }, true],
    ['parked 403', { kind: 'parked', status: 403, reason: 'partner answered 403' }, true],
    ['parked 400', parked, false],
    ['parked without a status', { kind: 'parked', status: undefined, reason: 'bad setting' }, false],
    ['queued', queued, false],
  ])('%s', async (_name, outcome, suspends) => {
    // Act
    const { response } = await setup(outcome).run(eventBatch(customEvents(1)));
    // Assess
    if (suspends) expect(response).toMatchObject({ suspend_subscription: true });
    else expect(response).not.toHaveProperty('suspend_subscription');
  });
});

describe('the helpers around a call', () => {
  const call: OutboundCall = {
    requestType: 'event_processing_request',
    requestId: 'r-1',
    idempotencyKey: 'r-1:2',
    chunk: { index: 2, count: 5 },
    accountId: 9,
    path: '/events',
    bodyText: '{"é":1}',
    secrets: { apiKey: SECRET_API_KEY },
  };

  it('describeCall: what may be logged, chunks counted from 1, bytes not characters, no secret', () => {
    // Act
    const described = describeCall(call);
    // Assess
    expect(described).toStrictEqual({
      requestType: 'event_processing_request',
      requestId: 'r-1',
      idempotencyKey: 'r-1:2',
      chunk: '3/5',
      accountId: 9,
      path: '/events',
      bytes: 8,
    });
    expect(JSON.stringify(described)).not.toContain(SECRET_API_KEY);
  });

  it('observedDelivery: tells the observer of every call, in-line and queued, and passes each on', async () => {
    // Prepare
    const recorder = recordingPort(queued);
    const seen: OutboundCall[] = [];
    const port = observedDelivery(recorder.port, (c) => seen.push(c));
    const second = { ...call, idempotencyKey: 'r-1:3' };
    // Act
    const outcome = await port.deliverInline(call);
    await port.enqueue([call, second]);
    // Assess
    expect(outcome).toEqual(queued);
    expect(port.description).toBe('recording');
    expect(seen).toEqual([call, call, second]);
    expect(recorder.inline).toEqual([call]);
    expect(recorder.queued).toEqual([call, second]);
  });
});
