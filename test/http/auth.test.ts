import { describe, expect, it } from 'vitest';
import { cachedSecretTokenSource, REJECTED_AUTH_METRIC, staticTokenSource } from '../../lambda/http';
import { customEvents, eventBatch } from '../support/factories';
import { sample } from './support/samples';
import { PREVIOUS_TOKEN, TOKEN, useHttpSystem } from './support/http-system';

const start = useHttpSystem();

const batch = (): string => JSON.stringify(eventBatch(customEvents(2)));
const rejectionLines = (lines: string[]) =>
  lines
    .filter((l) => l.includes(`"metric":"${REJECTED_AUTH_METRIC}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('Authorization: Token', () => {
  it.each([
    ['missing', undefined, 'missing'],
    ['another scheme', `Bearer ${TOKEN}`, 'malformed'],
    ['a scheme without a token', 'Token', 'malformed'],
    ['a token with spaces', `Token ${TOKEN} extra`, 'malformed'],
    ['a wrong token', 'Token tok_wrong_value_0c1d2e3f', 'mismatch'],
    ['a wrong token of another length', `Token ${TOKEN}x`, 'mismatch'],
  ])('refuses %s with 401, logs the reason, and never logs the value', async (_name, header, reason) => {
    // Prepare
    const { post, logLines } = await start();
    // Act
    const answer = await post('/events', batch(), { authorization: header });
    // Assess: a short answer
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Token');
    expect(answer.json()).toEqual({ error: expect.any(String) });
    expect(answer.text.length).toBeLessThan(100);
    // Assess: one warn line for the alarm, with route, reason and source address, and no token anywhere
    const [rejection, ...more] = rejectionLines(logLines);
    expect(more).toEqual([]);
    expect(rejection).toMatchObject({
      level: 'WARN',
      route: '/events',
      reason,
      sourceIp: '127.0.0.1',
      requestType: 'event_processing_request',
    });
    const log = logLines.join('\n');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('tok_wrong_value_0c1d2e3f');
  });

  it('counts every refused call and sends nothing to the partner for them', async () => {
    const { post, logLines, delivery } = await start();
    for (let i = 0; i < 5; i++)
      expect((await post('/firehose', batch(), { authorization: 'Token nope' })).status).toBe(401);
    expect(rejectionLines(logLines)).toHaveLength(5);
    expect(delivery.partner.received).toEqual([]);
  });

  it('accepts the current token, and needs none for registration even when a wrong one is sent', async () => {
    const { post, logLines } = await start();
    expect((await post('/events', batch())).status).toBe(200);
    expect(
      (await post('/firehose', sample('module-registration.json').text, { authorization: 'Token wrong' })).status,
    ).toBe(200);
    expect(rejectionLines(logLines)).toEqual([]);
  });
});

describe('token rotation', () => {
  it('accepts both the current and the previous token while both are configured', async () => {
    // Prepare
    const { post } = await start({ tokens: staticTokenSource([TOKEN, PREVIOUS_TOKEN]) });
    // Act
    const withCurrent = await post('/events', batch(), { authorization: `Token ${TOKEN}` });
    const withPrevious = await post('/events', batch(), { authorization: `Token ${PREVIOUS_TOKEN}` });
    const withOther = await post('/events', batch(), { authorization: 'Token tok_neither' });
    // Assess
    expect([withCurrent.status, withPrevious.status, withOther.status]).toEqual([200, 200, 401]);
  });

  it('takes a rotated secret into use at the first call with the new token, not after the cache expires', async () => {
    // Prepare: the secret holds the old token; the container has read and cached it.
    let secretString = PREVIOUS_TOKEN;
    let reads = 0;
    const tokens = cachedSecretTokenSource({
      readSecret: async () => {
        reads++;
        return secretString;
      },
      minRereadIntervalMs: 0,
    });
    const { post } = await start({ tokens });
    expect((await post('/events', batch(), { authorization: `Token ${PREVIOUS_TOKEN}` })).status).toBe(200);
    // Act: the operator puts the new token in, keeping the old one as previous; mParticle switches.
    secretString = JSON.stringify({ current: TOKEN, previous: PREVIOUS_TOKEN });
    const withNew = await post('/events', batch(), { authorization: `Token ${TOKEN}` });
    const withOld = await post('/events', batch(), { authorization: `Token ${PREVIOUS_TOKEN}` });
    // Assess
    expect([withNew.status, withOld.status]).toEqual([200, 200]);
    expect(reads).toBe(2);
  });

  it('answers 503 (retried by mParticle), not 401, when the token secret cannot be read', async () => {
    // Prepare
    const tokens = cachedSecretTokenSource({
      readSecret: async () => {
        throw new Error('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
      },
    });
    const { post, logLines } = await start({ tokens });
    // Act
    const answer = await post('/events', batch());
    // Assess
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.text).not.toContain('AccessDenied');
    expect(logLines.some((l) => l.includes('"level":"ERROR"') && l.includes('AccessDeniedException'))).toBe(true);
    expect(rejectionLines(logLines)).toEqual([]);
  });
});

describe('the RejectedAuth log field', () => {
  it('uses the metric name the metrics table declares, so the future metric and the log filter agree', async () => {
    const { METRIC_NAMES } = await import('../../lambda/observability/metrics');
    expect(REJECTED_AUTH_METRIC).toBe(METRIC_NAMES.rejectedAuth);
  });
});
