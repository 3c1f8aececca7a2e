import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../lambda/http/body-limit';
import type { FunctionUrlHandler, FunctionUrlResult } from '../lambda/http/function-url';

/**
 * A Lambda Function URL on loopback: each HTTP request becomes a payload-format-2.0 event for the handler,
 * and the handler's result becomes the HTTP answer, as AWS does it (the parts the HTTP variant relies on).
 */
export interface HttpEndpointOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly handler: FunctionUrlHandler;
  /** Bodies above this are answered 413 without invoking the handler, as the Function URL does. @default MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
}

export interface HttpEndpoint {
  /** `http://host:port`, without a path. */
  readonly url: string;
  close(): Promise<void>;
}

/** The deployed HTTP function's timeout (lib/http-endpoint-resources.ts), for the context's remaining time. */
const FUNCTION_TIMEOUT_MS = 10_000;

export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  const server = http.createServer((req, res) => {
    void serve(req, res, options.handler, maxBodyBytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handler: FunctionUrlHandler,
  maxBodyBytes: number,
): Promise<void> {
  try {
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') {
      return writeResult(res, tooLarge(maxBodyBytes));
    }
    let result: FunctionUrlResult;
    try {
      result = await handler(toFunctionUrlEvent(req, body), localContext());
    } catch (error) {
      // What a Function URL answers when the function fails instead of returning a response.
      process.stderr.write(
        `http endpoint: the handler threw: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      result = {
        statusCode: 502,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Internal Server Error"}',
      };
    }
    writeResult(res, result);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy(error instanceof Error ? error : undefined);
  }
}

/** The body bytes, or 'too-large' once it passes the limit (the rest is read and dropped, so the answer arrives). */
function readBody(req: http.IncomingMessage, maxBodyBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > maxBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(maxBodyBytes: number): FunctionUrlResult {
  return {
    statusCode: 413,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: `body larger than ${maxBodyBytes} bytes` }),
  };
}

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

function writeResult(res: http.ServerResponse, result: FunctionUrlResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers).end(body);
}

/** A Lambda context as the runtime passes it, counting down from the deployed timeout. */
function localContext(): Context {
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
