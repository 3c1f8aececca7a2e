import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { membershipChange, profile } from '../support/factories';
import { MembershipReceiver } from '../support/membership-receiver';

/**
 * Membership changes may reach the partner out of order (standard queue, parallel records, independent
 * backoff). Each carries the Firehose message's `timestamp_ms` and `id`, so a receiver applying the rule of
 * docs/partner-api.md (last writer wins per mpid and audience) ends in the right state either way.
 */

const start = stoppedAfterEach(startDeliverySystem);

const MPID = '5550001';
const AUDIENCE = 500; // the audience `profile()` puts first

describe('membership changes carry what orders them', () => {
  it('sends timestamp_ms and request_id with every change', async () => {
    const system = await start();
    const message = membershipChange([profile(MPID, ['add'])], { timestamp_ms: 1_763_899_940_123 });
    await system.ingress.handle(JSON.stringify(message));
    await system.drain();
    const body = parseJson(system.partner.accepted[0]?.bodyText ?? '{}');
    expect(body).toMatchObject({ request_id: message['id'], timestamp_ms: 1_763_899_940_123 });
  });

  it('an add and a later delete delivered in reverse end with the user out of the audience', async () => {
    // Prepare: mParticle sends the add, then the delete; the kit delivers the delete first.
    const system = await start();
    const add = membershipChange([profile(MPID, ['add'])], { timestamp_ms: 1_763_899_940_000 });
    const remove = membershipChange([profile(MPID, ['delete'])], { timestamp_ms: 1_763_899_941_000 });
    // Act
    await system.ingress.handle(JSON.stringify(remove));
    await system.drain();
    await system.ingress.handle(JSON.stringify(add));
    await system.drain();
    const arrived = system.partner.accepted.map((r) => r.bodyText);
    const receiver = new MembershipReceiver();
    for (const body of arrived) receiver.apply(body);
    // Assess: they did arrive reversed; applied naively the user would wrongly be a member.
    expect(arrived.map((b) => (parseJson(b) as { request_id: string }).request_id)).toEqual([remove['id'], add['id']]);
    expect(receiver.isMember(MPID, AUDIENCE)).toBe(false);
    expect(receiver.ignored).toBe(1);
    const naive = (parseJson(arrived.at(-1) ?? '') as { memberships: { changes: { action: string }[] }[] })
      .memberships[0]?.changes[0]?.action;
    expect(naive).toBe('add');
  });

  it('ends in the same state for every arrival order, repeats included', async () => {
    // Prepare: add, delete, add again, each a second apart, delivered by the real system once each.
    const system = await start();
    const messages = (['add', 'delete', 'add'] as const).map((action, i) =>
      membershipChange([profile(MPID, [action])], { timestamp_ms: 1_763_899_940_000 + i * 1000 }),
    );
    for (const message of messages) await system.ingress.handle(JSON.stringify(message));
    await system.drain();
    const bodies = system.partner.accepted.map((r) => r.bodyText);
    // Act: every order of arrival, each with the first delivery repeated at the end.
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const outcomes = orders.map((order) => {
      const receiver = new MembershipReceiver();
      for (const i of [...order, order[0] as number]) receiver.apply(bodies[i] ?? '');
      return receiver.isMember(MPID, AUDIENCE);
    });
    // Assess: the last change mParticle made (add) wins every time.
    expect(bodies).toHaveLength(3);
    expect(outcomes).toEqual(orders.map(() => true));
  });
});
