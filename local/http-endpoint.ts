import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES } from '../lambda/http/body-limit';
import type { FunctionUrlHandler, FunctionUrlResult } from '../lambda/http/function-url';
import { localContext, toFunctionUrlEvent } from './function-url-invocation';

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

function writeResult(res: http.ServerResponse, result: FunctionUrlResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers).end(body);
}
