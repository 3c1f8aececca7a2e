import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { customEvents, eventBatch } from '../support/factories';

/**
 * An event batch that spills (partner down for a moment) reaches the partner after a newer batch that went
 * in-line. Each `/events` body carries the Firehose message's `timestamp_ms` and `id` (`request_id`) at its
 * top level, so a receiver applying last-writer-wins per mpid (docs/partner-api.md) keeps the newer state.
 */

const start = stoppedAfterEach(startDeliverySystem);

const MPID = '8012345678901234567';

type EventsBody = {
  request_id: string;
  timestamp_ms?: number;
  mpid: string;
  user: { attributes: Record<string, unknown> };
  consent_state: unknown;
};

/** The rule of docs/partner-api.md: a body replaces the stored one only when its (timestamp_ms, request_id) is newer. */
function lastWriterWins(bodies: readonly EventsBody[]): Map<string, EventsBody> {
  const kept = new Map<string, EventsBody>();
  for (const body of bodies) {
    const stored = kept.get(body.mpid);
    const newer =
      stored === undefined ||
      (body.timestamp_ms ?? -1) > (stored.timestamp_ms ?? -1) ||
      (body.timestamp_ms === stored.timestamp_ms && body.request_id > stored.request_id);
    if (newer) kept.set(body.mpid, body);
  }
  return kept;
}

describe('event batches carry what orders them', () => {
  it('a spilled older batch arriving after a newer in-line one is recognised as older', async () => {
    // Prepare: the partner is down for the older batch's in-line call only, so it spills.
    const system = await start();
    const { ingress, partner } = system;
    const older = eventBatch(customEvents(1), {
      mpid: MPID,
      timestamp_ms: 1_763_899_940_000,
      user_attributes: { tier: 'gold' },
      consent_state: { gdpr_consent_state: { marketing: { consented: true } } },
    });
    const newer = eventBatch(customEvents(1), {
      mpid: MPID,
      timestamp_ms: 1_763_899_941_000,
      user_attributes: { tier: 'platinum' },
      consent_state: { gdpr_consent_state: { marketing: { consented: false } } },
    });
    let calls = 0;
    partner.setFaults(() => (calls++ === 0 ? { kind: 'status', status: 503 } : undefined));

    // Act
    const first = await ingress.handle(JSON.stringify(older));
    const second = await ingress.handle(JSON.stringify(newer));
    await system.drain();
    const arrived = partner.accepted.map((r) => parseJson(r.bodyText) as EventsBody);

    // Assess: they arrived reversed, and each body says when mParticle made it.
    expect(first.summary.outcome).toBe('queued');
    expect(second.summary.outcome).toBe('delivered');
    expect(arrived.map((b) => b.request_id)).toEqual([newer['id'], older['id']]);
    expect(arrived.map((b) => b.timestamp_ms)).toEqual([newer['timestamp_ms'], older['timestamp_ms']]);
    const kept = lastWriterWins(arrived).get(MPID);
    expect(kept?.user.attributes).toEqual({ tier: 'platinum' });
    expect(kept?.consent_state).toEqual({ gdpr_consent_state: { marketing: { consented: false } } });
    // Applied in arrival order, the older batch would have won.
    expect(arrived.at(-1)?.user.attributes).toEqual({ tier: 'gold' });
  });
});
