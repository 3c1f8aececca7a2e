import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionUrlHandler } from '../../lambda/http';
import { customEvents, eventBatch } from '../support/factories';
import { DELIVERY_ENV, FUNCTION_ENV, TOKEN_ENV } from '../../lambda/config/environment';

/** The Lambda entry point exactly as deployed (dry run: no delivery settings), called with Function URL events. */

let handler: FunctionUrlHandler;
beforeAll(async () => {
  delete process.env[DELIVERY_ENV.partnerApiUrl];
  delete process.env[DELIVERY_ENV.deliveryQueueUrl];
  delete process.env[TOKEN_ENV.secretArn];
  process.env[TOKEN_ENV.tokens] = 'tok_entry_test';
  process.env[FUNCTION_ENV.logLevel] = 'ERROR';
  ({ handler } = (await import('../../lambda/handlers/http')) as { handler: FunctionUrlHandler });
});

function functionUrlEvent(
  body: string,
  options: { base64?: boolean; token?: string; path?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path ?? '/firehose',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Token ${options.token ?? 'tok_entry_test'}` },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: options.path ?? '/firehose',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'mParticle',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 === true,
  };
}

// Without getRemainingTimeInMillis middy arms no timeout, as in tests of other handlers.
const context = {} as Context;

describe('the HTTP Lambda handler', () => {
  it('answers a Function URL event with a JSON response document', async () => {
    const result = await handler(functionUrlEvent(JSON.stringify(eventBatch(customEvents(3)))), context);
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      type: 'event_processing_response',
      firehose_version: '3.2.0',
    });
  });

  it('reads a base64 body, and checks its decoded size and encoding', async () => {
    expect(
      (await handler(functionUrlEvent(JSON.stringify(eventBatch([])), { base64: true }), context)).statusCode,
    ).toBe(200);
    const notUtf8 = {
      ...functionUrlEvent(''),
      body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'),
      isBase64Encoded: true,
    };
    const answer = await handler(notUtf8, context);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body ?? '')).toEqual({ error: 'body is not valid UTF-8' });
  });

  it(`takes its tokens from ${TOKEN_ENV.tokens} when no secret is configured`, async () => {
    const result = await handler(functionUrlEvent(JSON.stringify(eventBatch([])), { token: 'tok_other' }), context);
    expect(result.statusCode).toBe(401);
  });
});
