import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LAMBDA_RUNTIME_NAME } from '../lib/node-runtime';

/**
 * A server compatible with the Lambda Invoke API (the subset `aws lambda invoke`, `list-functions` and
 * @aws-sdk/client-lambda use), so users drive the local system with the clients they already have.
 * Function errors come back the way Lambda reports them: 200 with `X-Amz-Function-Error: Unhandled` and an
 * error document; unknown functions 404 with ResourceNotFoundException.
 */

export interface LocalFunction {
  /** Logical name, e.g. `firehose-ingress`. */
  readonly name: string;
  readonly description: string;
  /** Runs one invocation with the raw payload bytes; returns the JSON-serializable result. */
  invoke(payload: Buffer, context: LocalInvokeContext): Promise<unknown>;
}

export interface LocalInvokeContext {
  readonly functionName: string;
  readonly qualifier: string;
  readonly requestId: string;
}

export interface InvokeApiOptions {
  readonly port: number;
  readonly host?: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions: readonly LocalFunction[];
  /** Other routes served on the same port (status page, controls); return false when not handled. */
  readonly extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<boolean>;
}

export interface InvokeApiServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Lambda's synchronous invoke limit on the request and on the response (6 MB), as AWS counts it. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Lambda's asynchronous (`Event`) invoke limit on the request: 1 MB since 2025 (256 KB before). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const LIST_PATH = /^\/2015-03-31\/functions\/?$/;

export function functionArn(options: Pick<InvokeApiOptions, 'region' | 'accountId'>, name: string): string {
  return `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`;
}

/** Accepts `name`, `name:qualifier`, a full ARN with or without qualifier, and partial ARNs. */
export function resolveFunctionName(raw: string): { name: string; qualifier: string | undefined } {
  const decoded = decodeURIComponent(raw);
  const arn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::([^:]+))?$/.exec(decoded);
  if (arn) return { name: arn[1] as string, qualifier: arn[2] };
  const partial = /^(?:\d{12}:)?(?:function:)?([^:]+)(?::([^:]+))?$/.exec(decoded);
  return { name: partial?.[1] ?? decoded, qualifier: partial?.[2] };
}

export async function startInvokeApi(options: InvokeApiOptions): Promise<InvokeApiServer> {
  const byName = new Map(options.functions.map((f) => [f.name, f]));
  let sequence = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      route(req, res, body).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { Type: 'Service', message: error instanceof Error ? error.message : 'internal error' });
      });
    });
  });

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && LIST_PATH.test(url.pathname)) {
      sendJson(res, 200, {
        Functions: options.functions.map((f) => ({
          FunctionName: f.name,
          FunctionArn: functionArn(options, f.name),
          Runtime: LAMBDA_RUNTIME_NAME,
          Handler: 'index.handler',
          MemorySize: 1024,
          Architectures: ['arm64'],
          Description: f.description,
          Version: '$LATEST',
          PackageType: 'Zip',
        })),
      });
      return;
    }
    const match = INVOKE_PATH.exec(url.pathname);
    if (req.method === 'POST' && match) {
      const { name, qualifier } = resolveFunctionName(match[1] as string);
      const fn = byName.get(name);
      if (!fn) {
        res.setHeader('x-amzn-ErrorType', 'ResourceNotFoundException');
        sendJson(res, 404, { Type: 'User', message: `Function not found: ${functionArn(options, name)}` });
        return;
      }
      const requestId = `local-${Date.now().toString(36)}-${(++sequence).toString(36)}`;
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const context = {
        functionName: name,
        qualifier: qualifier ?? url.searchParams.get('Qualifier') ?? '$LATEST',
        requestId,
      };
      res.setHeader('x-amzn-RequestId', requestId);
      res.setHeader('X-Amz-Executed-Version', context.qualifier === '$LATEST' ? '$LATEST' : '1');
      const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
      if (body.length > limit) {
        // What AWS answers, before the function runs.
        res.setHeader('x-amzn-ErrorType', 'RequestEntityTooLargeException');
        sendJson(res, 413, {
          Type: 'User',
          message: `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
        });
        return;
      }
      if (invocationType === 'DryRun') {
        res.writeHead(204).end();
        return;
      }
      if (invocationType === 'Event') {
        res.writeHead(202).end();
        void fn.invoke(body, context).catch(() => undefined);
        return;
      }
      try {
        const result = await fn.invoke(body, context);
        const text = JSON.stringify(result === undefined ? null : result);
        if (Buffer.byteLength(text) > MAX_SYNC_PAYLOAD_BYTES) {
          res.setHeader('X-Amz-Function-Error', 'Unhandled');
          sendJson(res, 200, {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
          });
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      } catch (error) {
        // Lambda's shape for an unhandled function error: HTTP 200, the header, and an error document.
        res.setHeader('X-Amz-Function-Error', 'Unhandled');
        const err = error instanceof Error ? error : new Error(String(error));
        sendJson(res, 200, { errorType: err.name, errorMessage: err.message, trace: [] });
      }
      return;
    }
    if (options.extraRoutes && (await options.extraRoutes(req, res, body))) return;
    res.setHeader('x-amzn-ErrorType', 'UnknownOperationException');
    sendJson(res, 404, { Type: 'User', message: `no route for ${req.method} ${url.pathname}` });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
