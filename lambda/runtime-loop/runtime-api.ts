import type * as Http from 'node:http';
import type { ErrorDocument } from './error-document';
import { RuntimeApiError } from './errors';

/**
 * A client of the Lambda Runtime API (AWS Lambda developer guide, "Using the Lambda runtime API for custom
 * runtimes"): long-poll the next invocation, post its response or error, report an init error.
 * node:http is loaded with process.getBuiltinModule: cheaper at cold start than an ES import.
 */
const http = (process.getBuiltinModule?.('node:http') ?? require('node:http')) as typeof Http;

const BASE = '/2018-06-01/runtime';

export interface Invocation {
  readonly requestId: string;
  readonly headers: Http.IncomingHttpHeaders;
  /** The payload exactly as the caller sent it. */
  readonly body: Buffer;
}

export interface RuntimeApi {
  next(): Promise<Invocation>;
  respond(requestId: string, body: string): Promise<number>;
  /** `xrayCause`: the Lambda-Runtime-Function-XRay-Error-Cause header's value, when there is one. */
  invocationError(requestId: string, error: ErrorDocument, xrayCause?: string): Promise<number>;
  /** On a connection of its own: the loop's one socket may be waiting on /next (an error during async init). */
  initError(error: ErrorDocument): Promise<number>;
}

export function createRuntimeApi(address: string): RuntimeApi {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address;
  const port = colon > 0 ? Number(address.slice(colon + 1)) : 80;
  // One socket, kept open between invocations, as the managed client does.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  const call = (
    method: string,
    path: string,
    body?: string,
    headers: Http.OutgoingHttpHeaders = {},
    ownConnection = false,
  ) =>
    new Promise<{ status: number; headers: Http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      // No timeout: /next waits as long as the sandbox is idle (it may be frozen meanwhile).
      const options = { host, port, method, path: `${BASE}${path}`, agent: ownConnection ? false : agent, headers };
      const req = http.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const post = async (
    path: string,
    body: string,
    headers: Http.OutgoingHttpHeaders = {},
    ownConnection = false,
  ): Promise<number> => {
    const res = await call(
      'POST',
      path,
      body,
      { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      ownConnection,
    );
    // 500 means the Runtime API is broken for this sandbox: the only way on is a new one.
    if (res.status >= 500) throw new RuntimeApiError(`Runtime API answered ${res.status} to POST ${path}`, res.status);
    return res.status;
  };

  return {
    async next() {
      const res = await call('GET', '/invocation/next');
      const requestId = res.headers['lambda-runtime-aws-request-id'];
      if (res.status !== 200 || typeof requestId !== 'string' || requestId === '') {
        throw new RuntimeApiError(`Runtime API answered ${res.status} to GET /invocation/next`, res.status);
      }
      return { requestId, headers: res.headers, body: res.body };
    },
    respond: (requestId, body) => post(`/invocation/${encodeURIComponent(requestId)}/response`, body),
    // What the managed client sends for an invocation error: the document and the X-Ray cause, no error-type header.
    invocationError: (requestId, error, xrayCause) =>
      post(
        `/invocation/${encodeURIComponent(requestId)}/error`,
        JSON.stringify(error),
        xrayCause === undefined ? {} : { 'lambda-runtime-function-xray-error-cause': xrayCause },
      ),
    initError: (error) =>
      post('/init/error', JSON.stringify(error), { 'lambda-runtime-function-error-type': error.errorType }, true),
  };
}
