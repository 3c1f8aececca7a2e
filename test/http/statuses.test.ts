import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../lambda/http';
import { customEvents, eventBatch, membershipChange, profiles, SECRET_API_KEY } from '../support/factories';
import { sample } from './support/samples';
import { TOKEN, useHttpSystem } from './support/http-system';

const start = useHttpSystem();

const batch = (): string => JSON.stringify(eventBatch(customEvents(2)));

describe('answers to bad requests', () => {
  it('answers malformed JSON with 400 and never echoes the body, in the answer or the log', async () => {
    // Prepare: a truncated request carrying a secret setting
    const { post, logLines } = await start();
    const truncated = `{"type":"event_processing_request","account":{"account_settings":{"apiKey":"${SECRET_API_KEY}"}},"events":[`;
    // Act
    const answers = [await post('/firehose', truncated), await post('/events', ''), await post('/events', 'null,')];
    // Assess
    for (const answer of answers) expect(answer.status).toBe(400);
    // Where the text stops being JSON, as a person fixes it in an editor: line and column (issue: offsets alone).
    expect(answers.map((answer) => answer.json())).toEqual([
      { error: `body is not valid JSON (at line 1 column ${truncated.length + 1}, position ${truncated.length})` },
      { error: 'body is not valid JSON' },
      { error: 'body is not valid JSON (at line 1 column 5, position 4)' },
    ]);
    expect(answers[0]?.text).not.toContain(SECRET_API_KEY);
    expect(logLines.join('\n')).not.toContain(SECRET_API_KEY);
    expect(logLines.join('\n')).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers a request the core cannot read with 400 naming the field', async () => {
    const { post } = await start();
    const answer = await post('/events', JSON.stringify({ type: 'event_processing_request', id: 'x', events: [{}] }));
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ error: 'events[0].type: is required' });
  });

  it('reads any body that parses as JSON, whatever its Content-Type, and delivers it', async () => {
    // Prepare
    const system = await start();
    const { post } = system;
    const contentTypes = [
      'application/json; charset=utf-8',
      'Application/JSON;charset=UTF-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ];
    // Act
    const statuses: Record<string, number> = {};
    for (const contentType of contentTypes)
      statuses[contentType] = (await post('/events', batch(), { 'content-type': contentType })).status;
    const withoutType = await system.request('/events', {
      method: 'POST',
      headers: { authorization: `Token ${TOKEN}` },
      body: new Uint8Array(Buffer.from(batch())),
    });
    const notJson = await post('/events', 'type=event_processing_request', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    // Assess
    expect(statuses).toEqual(Object.fromEntries(contentTypes.map((contentType) => [contentType, 200])));
    expect(withoutType.status).toBe(200);
    expect(system.delivery.partner.received).toHaveLength(contentTypes.length + 1);
    expect(notJson.status).toBe(400);
    expect(notJson.json()).toEqual({ error: 'body is not valid JSON (at line 1 column 1, position 0)' });
  });

  it('answers 405 with Allow: POST to any other method', async () => {
    const { request } = await start();
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await request('/firehose', { method, ...(method === 'GET' ? {} : { body: '{}' }) });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      expect(answer.headers.get('content-type')).toBe('application/json');
    }
  });

  it('answers 404 to a path that is not a route, whatever the method', async () => {
    const { post, request } = await start();
    expect((await post('/', batch())).status).toBe(404);
    expect((await post('/firehose/events', batch())).status).toBe(404);
    expect((await request('/nope', { method: 'GET' })).status).toBe(404);
    // A trailing slash and a query string still reach the route.
    expect((await post('/firehose/?source=test', batch())).status).toBe(200);
  });

  it("dispatches on type when a request is sent to another kind's route, and logs the mismatch at warn", async () => {
    // Prepare
    const { post, delivery, logLines } = await start();
    // Act
    const batchOnRegistration = await post('/registration', batch());
    const registrationOnEvents = await post('/events', sample('module-registration.json').text);
    const erasureOnAudience = await post('/audience', sample('dsr-erasure.json').text);
    const unknownOnDsr = await post('/dsr', JSON.stringify({ type: 'cookie_sync_request\u0000', id: 'x' }));
    // Assess
    expect(batchOnRegistration.status).toBe(200);
    expect(batchOnRegistration.json()['type']).toBe('event_processing_response');
    expect(registrationOnEvents.json()['type']).toBe('module_registration_response');
    expect(erasureOnAudience.status).toBe(202);
    expect(erasureOnAudience.json()['type']).toBe('dsr_processing_response');
    expect(delivery.partner.received.map((r) => r.path)).toEqual(['/events']);
    const warnings = logLines
      .filter((l) => l.includes('request type does not belong to its route'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings.map((w) => [w['level'], w['route'], w['requestType'], w['expectedRoute']])).toEqual([
      ['WARN', '/registration', 'event_processing_request', '/events'],
      ['WARN', '/events', 'module_registration_request', '/registration'],
      ['WARN', '/audience', 'dsr_processing_request', '/dsr'],
    ]);
    // A type that is no Firehose request is still the core's 400, naming the field.
    expect(unknownOnDsr.status).toBe(400);
    expect(unknownOnDsr.json()['error']).toMatch(/^type: /);
  });
});

describe('the body limit', () => {
  it("answers 413 above the handler's limit, by Content-Length, before reading the token", async () => {
    // Prepare: a small limit on the handler, the endpoint's own at its default
    const { post, delivery } = await start({ maxBodyBytes: 4_096 });
    const big = JSON.stringify(eventBatch(customEvents(40)));
    expect(big.length).toBeGreaterThan(4_096);
    // Act
    const answer = await post('/events', big, { authorization: undefined });
    // Assess
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({ error: 'body larger than 4096 bytes' });
    expect(delivery.partner.received).toEqual([]);
  });

  it('answers 413 to a body over 6 MiB, as the Function URL does, without invoking the function', async () => {
    // Prepare
    const { post, logLines } = await start();
    const oversize = `{"type":"event_processing_request","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
    // Act
    const answer = await post('/firehose', oversize);
    // Assess
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({ error: `body larger than ${MAX_BODY_BYTES} bytes` });
    expect(logLines.filter((l) => l.includes('firehose-http'))).toEqual([]);
  });

  it('accepts a body just under 6 MiB', async () => {
    // Prepare: a membership change padded with profiles to just under the limit
    const { post } = await start();
    const message = membershipChange(profiles(10_000));
    let text = JSON.stringify(message);
    while (Buffer.byteLength(text) > MAX_BODY_BYTES) {
      (message['user_profiles'] as unknown[]).pop();
      text = JSON.stringify(message);
    }
    // Act
    const answer = await post('/audience', text);
    // Assess
    expect(answer.status, answer.text).toBe(202);
  });
});

describe('when the delivery queue cannot be reached', () => {
  it('answers 503 with Retry-After to a batch to queue, and to a batch the partner fails in-line, so mParticle retries', async () => {
    // Prepare
    const { post, delivery, logLines } = await start();
    delivery.partner.setFaults(() => ({ kind: 'status', status: 503 }));
    await delivery.sqs.stop();
    // Act
    const membership = await post('/audience', JSON.stringify(membershipChange(profiles(2))));
    const events = await post('/events', batch());
    // Assess
    for (const answer of [membership, events]) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.json()).toEqual({ error: 'temporarily unavailable; retry later' });
    }
    expect(
      logLines.filter((l) => l.includes('"message":"answered 503"') && l.includes('QueueUnavailableError')),
    ).toHaveLength(2);
  });
});
