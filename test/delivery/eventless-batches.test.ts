import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import { startDeliverySystem } from '../support/delivery-system';
import { event, eventBatch } from '../support/factories';
import { stoppedAfterEach } from '../support/stopped-after-each';

/**
 * Issue 22, item 10: a batch without known events is decided from what it carries, through the real
 * ingress and a real partner, with the default integration (no allow_eventless_batches), and the log line
 * names what was dropped.
 */
const start = stoppedAfterEach(startDeliverySystem);

const userData = {
  user_identities: [{ type: 'email', encoding: 'sha256', value: 'hash-of-ada' }],
  user_attributes: { plan: 'pro' },
  consent_state: { gdpr_consent_state: { analytics: { consented: true } } },
};

type Line = Record<string, unknown>;
const linesOf = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

describe('batches without known events, without allow_eventless_batches', () => {
  it('forwards the identities, attributes and consent of a batch whose events are all of unknown types, and says what was dropped', async () => {
    // Prepare
    expect(integration.registration.permissions?.allow_eventless_batches).not.toBe(true);
    const { ingress, partner, logLines } = await start();
    const batch = eventBatch([event('hologram'), event('hologram'), event('smell')], userData);

    // Act
    const { summary } = await ingress.handle(JSON.stringify(batch));

    // Assess
    expect(summary).toMatchObject({ outcome: 'delivered', calls: 1, skippedEvents: 3 });
    const body = parseJson(partner.accepted[0]?.bodyText ?? '{}') as Record<string, Record<string, unknown>>;
    expect(body['events']).toEqual([]);
    expect(body['user']).toMatchObject({ attributes: { plan: 'pro' }, identities: [{ value: 'hash-of-ada' }] });
    expect(body['consent_state']).toEqual(userData.consent_state);
    const warn = linesOf(logLines).find((l) => String(l['message']).includes('events are all of unknown types'));
    expect(warn).toMatchObject({
      level: 'WARN',
      skippedEventTypes: { hologram: 2, smell: 1 },
      carried: ['user_identities', 'user_attributes', 'consent_state'],
    });
  });

  it('forwards a batch carrying only integration_attributes instead of treating it as a verification', async () => {
    // Prepare
    const { ingress, partner, logLines } = await start();
    const batch = eventBatch(undefined, { integration_attributes: { partner_user_id: 'p-77' } });

    // Act
    const { summary } = await ingress.handle(JSON.stringify(batch));

    // Assess
    expect(summary.outcome).toBe('delivered');
    const body = parseJson(partner.accepted[0]?.bodyText ?? '{}') as Record<string, unknown>;
    expect(body['integration_attributes']).toEqual({ partner_user_id: 'p-77' });
    expect(linesOf(logLines).find((l) => String(l['message']).includes('allow_eventless_batches'))).toMatchObject({
      level: 'WARN',
      carried: ['integration_attributes'],
    });
  });

  it('answers a batch carrying nothing as a verification, and one with only unknown events as nothing to send, naming the types', async () => {
    // Prepare
    const { ingress, partner, logLines } = await start();

    // Act
    const verification = await ingress.handle(JSON.stringify(eventBatch([])));
    const unknownOnly = await ingress.handle(JSON.stringify(eventBatch([event('hologram')])));

    // Assess
    expect(verification.summary.outcome).toBe('verification');
    expect(unknownOnly.summary.outcome).toBe('nothing-to-send');
    expect(partner.received).toEqual([]);
    expect(linesOf(logLines).filter((l) => l['outcome'] !== undefined && l['level'] === 'WARN')).toEqual([
      expect.objectContaining({ skippedEventTypes: { hologram: 1 }, outcome: 'nothing-to-send' }),
    ]);
  });
});
