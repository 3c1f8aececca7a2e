import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * What a Lambda Function URL hands the function for one HTTP request: the payload-format-2.0 event and the
 * runtime's context (the parts the HTTP variant relies on).
 */

/** The deployed HTTP function's timeout (lib/http-endpoint-resources.ts), for the context's remaining time. */
const FUNCTION_TIMEOUT_MS = 10_000;

/** Content types a Function URL passes as text; any other body arrives base64-encoded. */
const TEXT_CONTENT_TYPE =
  /^(?:text\/|application\/(?:json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(?:json|xml))\b)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function toFunctionUrlEvent(req: http.IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  // Node lower-cases names already; a repeated header arrives joined with commas, as a Function URL joins it.
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/).filter((c) => c !== '');
  const now = new Date();
  const domainName = req.headers.host ?? 'localhost';

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  if (url.searchParams.size > 0) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) {
    const text = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '') ? decodeUtf8(body) : undefined;
    if (text === undefined) {
      event.body = body.toString('base64');
      event.isBase64Encoded = true;
    } else {
      event.body = text;
    }
  }
  return event;
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A Lambda context as the runtime passes it, counting down from the deployed timeout. */
export function localContext(): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  const unsupported = (): never => {
    throw new Error('deprecated Lambda context callbacks are not supported locally');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'firehose-http-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:firehose-http-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/firehose-http-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** `12/Mar/2020:19:03:58 +0000`, the request time format of payload version 2.0. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
