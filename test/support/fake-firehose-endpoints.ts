import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FirehoseResponse } from '../../lambda/firehose';
import { integration } from './kit-integration';
import { createLogger } from '../../lambda/observability/logger';
import { createIngressFunction } from '../../lambda/composition/ingress-function';

/**
 * Firehose endpoints on loopback that run the kit's real ingress (dry run: no partner) and then break its
 * answer in one chosen way, so each certify check can be shown to fail for the reason it exists.
 */

export type Reply =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: Error };

/** The kit's own answer to a payload: its response document, or the error it would raise. */
export type Responder = (payloadText: string) => Promise<Reply>;

export function kitResponder(): Responder {
  const logger = createLogger('certify-test', 'SILENT');
  const runtime = createIngressFunction({ env: {}, logger, service: 'certify-test', integration });
  return async (payloadText) => {
    try {
      return { kind: 'result', value: (await runtime.handle(payloadText)).response };
    } catch (error) {
      return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
    }
  };
}

/** Rewrites a successful response document (and sees the request it answers). */
export function mutateResponses(
  inner: Responder,
  mutate: (response: Record<string, unknown>, request: Record<string, unknown>) => unknown,
): Responder {
  return async (payloadText) => {
    const reply = await inner(payloadText);
    if (reply.kind !== 'result') return reply;
    return {
      kind: 'result',
      value: mutate({ ...(reply.value as FirehoseResponse) }, JSON.parse(payloadText) as Record<string, unknown>),
    };
  };
}

export interface FakeServer {
  readonly url: string;
  /** Every Authorization header received, in order (undefined when absent). */
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A Lambda Invoke API: errors come back as Lambda reports them (FunctionError, an error document with `trace`).
 * Its status page, like the local system's, lists deliveries: none, as nothing here reaches a partner.
 */
export function startFakeInvokeApi(
  respond: Responder,
  options: { trace?: (error: Error) => string[]; errorMessage?: (error: Error, payload: string) => string } = {},
): Promise<FakeServer> {
  return listen(async (req, body, res) => {
    if (req.url === '/_status.json') return send(res, 200, { deliveries: [] });
    if (!/^\/2015-03-31\/functions\/[^/]+\/invocations/.test(req.url ?? ''))
      return send(res, 404, { message: 'no route' });
    const reply = await respond(body);
    if (reply.kind === 'result') return send(res, 200, reply.value);
    res.setHeader('X-Amz-Function-Error', 'Unhandled');
    send(res, 200, {
      errorType: reply.error.name,
      errorMessage: options.errorMessage?.(reply.error, body) ?? reply.error.message,
      trace: options.trace?.(reply.error) ?? [],
    });
  });
}

/** An HTTP-variant endpoint: `errorStatus` and `errorBody` decide how a refusal is answered; the token is not checked. */
export function startFakeHttpEndpoint(
  respond: Responder,
  options: { errorStatus: number; errorBody: (error: Error) => unknown },
): Promise<FakeServer> {
  return listen(async (_req, body, res) => {
    const reply = await respond(body);
    if (reply.kind === 'result') return send(res, 200, reply.value);
    send(res, options.errorStatus, options.errorBody(reply.error));
  });
}

type Handle = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => Promise<void>;

async function listen(handle: Handle): Promise<FakeServer> {
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      authorizations.push(req.headers.authorization);
      handle(req, Buffer.concat(chunks).toString('utf8'), res).catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
