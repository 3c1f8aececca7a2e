import { describe, expect, it } from 'vitest';
import { plannedCalls } from '../../lambda/core/planned-calls';
import { dsrErasure, eventBatch, event, membershipChange, profiles, SECRET_API_KEY } from '../support/factories';
import { integration } from '../support/kit-integration';

/** plannedCalls: what an integration's own golden tests compare (lambda/integration/integration.test.ts). */

describe('plannedCalls', () => {
  it('gives the in-line call with its auth headers and its body, 64-bit integers exact', async () => {
    // Prepare: a session id beyond 2^53, written as text (a JavaScript number cannot hold it).
    const text = JSON.stringify(eventBatch([event('session_start', { session_id: '@big@' })])).replace(
      '"@big@"',
      '9223372036854775807',
    );

    // Act
    const calls = await plannedCalls(integration, text);

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: '/events', headers: { authorization: `Bearer ${SECRET_API_KEY}` } });
    expect(calls[0]!.body).toMatchObject({ events: [{ session_id: 9223372036854775807n }] });
  });

  it('gives queued calls too, sliced as the kit slices them, and uses the given partner credential', async () => {
    // Act
    const memberships = await plannedCalls(integration, JSON.stringify(membershipChange(profiles(3_000))));
    const erasure = await plannedCalls(integration, JSON.stringify(dsrErasure()), 'the-partner-credential');

    // Assess: 3,000 profiles do not fit one queue message, and an erasure without `account` uses the credential.
    expect(memberships.length).toBeGreaterThan(1);
    expect(new Set(memberships.map((c) => c.path))).toEqual(new Set(['/audience-memberships']));
    expect(erasure).toEqual([
      expect.objectContaining({ path: '/erasures', headers: { authorization: 'Bearer the-partner-credential' } }),
    ]);
  });

  it('gives no call for a verification message', async () => {
    expect(await plannedCalls(integration, JSON.stringify(eventBatch([])))).toEqual([]);
  });
});
