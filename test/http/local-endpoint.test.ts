import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionUrlResult } from '../../lambda/http';
import { startHttpEndpoint, type HttpEndpoint } from '../../local/http-endpoint';

/** The local Function URL: requests become payload-2.0 events, results become answers. */

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** Starts the endpoint with a handler that records its events and answers `result`. */
async function recording(result: FunctionUrlResult | Error = { statusCode: 204 }, maxBodyBytes?: number) {
  const events: APIGatewayProxyEventV2[] = [];
  const contexts: Context[] = [];
  endpoint = await startHttpEndpoint({
    port: 0,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    handler: async (event, context) => {
      events.push(event);
      contexts.push(context);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { url: endpoint.url, events, contexts };
}

describe('the local Function URL endpoint', () => {
  it('binds loopback and passes a version 2.0 event: path, query, lower-cased headers, method, source address, text body', async () => {
    // Prepare
    const { url, events, contexts } = await recording();
    // Act
    await fetch(`${url}/firehose?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'yes', Cookie: 'k=v; m=n' },
      body: '{"type":"module_registration_request"}',
    });
    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const [event] = events as [APIGatewayProxyEventV2];
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/firehose',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      cookies: ['k=v', 'm=n'],
      isBase64Encoded: false,
      body: '{"type":"module_registration_request"}',
      requestContext: { http: { method: 'POST', path: '/firehose', sourceIp: '127.0.0.1' }, stage: '$default' },
    });
    expect(event.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'yes' });
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    // Counts down from the 10 s function timeout; the slack is for a busy machine, not precision.
    expect(contexts[0]?.getRemainingTimeInMillis()).toBeGreaterThan(5_000);
    expect(contexts[0]?.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
  });

  it('passes a body of a non-text type base64-encoded, and no body when there is none', async () => {
    const { url, events } = await recording();
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0x22]);
    await fetch(`${url}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    await fetch(`${url}/x`, { method: 'GET' });
    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(events[1]?.body).toBeUndefined();
  });

  it('writes the status, headers and body of the result, base64 undone', async () => {
    const { url } = await recording({
      statusCode: 202,
      headers: { 'Content-Type': 'application/json', 'Retry-After': 3 },
      body: Buffer.from('{"ok":true}').toString('base64'),
      isBase64Encoded: true,
    });
    const response = await fetch(`${url}/x`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers 502 when the function throws, as a Function URL does', async () => {
    const { url } = await recording(new Error('boom'));
    const response = await fetch(`${url}/x`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('boom');
  });

  it('answers 413 above its limit without invoking the function', async () => {
    const { url, events } = await recording({ statusCode: 200 }, 1_000);
    const response = await fetch(`${url}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1_001),
    });
    expect(response.status).toBe(413);
    expect(events).toEqual([]);
  });
});
