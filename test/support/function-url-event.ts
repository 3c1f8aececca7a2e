import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A Lambda Function URL event as mParticle's POST produces it: JSON body, `Authorization: Token …`. */
export function functionUrlEvent(rawPath: string, body: string, token: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Token ${token}` },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'entry',
      domainName: 'entry.lambda-url.us-east-1.on.aws',
      domainPrefix: 'entry',
      http: { method: 'POST', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'mParticle' },
      requestId: 'req-entry',
      routeKey: '$default',
      stage: '$default',
      time: '30/Nov/2026:05:00:00 +0000',
      timeEpoch: 1_796_000_000_000,
    },
    body,
    isBase64Encoded: false,
  };
}
