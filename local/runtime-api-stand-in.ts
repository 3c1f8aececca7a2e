import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Lambda Runtime API (the part a runtime loop talks to), so the real wrapper and loop run
 * on a developer's machine and in tests as they would in a sandbox: `/next` hands out queued invocations with
 * Lambda's headers, `/response`, `/error` and `/init/error` settle them. No AWS, no Docker.
 */

export interface InvocationInput {
  readonly payload: Buffer | string;
  readonly requestId?: string;
  /** Epoch ms; default: now + 3 s (the ingress's timeout). */
  readonly deadlineMs?: number;
  readonly traceId?: string;
  readonly invokedFunctionArn?: string;
  /** The raw header value, JSON as Lambda sends it. */
  readonly clientContext?: string;
}

export interface RuntimeOutcome {
  /** `init-error`: the sandbox failed to start; the invocation never reached the handler. */
  readonly kind: 'response' | 'error' | 'init-error';
  readonly requestId: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RuntimeApiStandIn {
  /** host:port, the value of PLATFORM_ENV.lambdaRuntimeApi. */
  readonly address: string;
  readonly initErrors: readonly RuntimeOutcome[];
  invoke(input: InvocationInput): Promise<RuntimeOutcome>;
  /** Resolves when the runtime next polls /next (it has finished its init, or its previous invocation). */
  nextPoll(): Promise<void>;
  /** Settles everything queued or in flight with `error` (e.g. the runtime process exited). */
  abandon(error: Error): void;
  close(): Promise<void>;
}

interface Pending {
  readonly input: InvocationInput;
  readonly requestId: string;
  resolve(outcome: RuntimeOutcome): void;
  reject(error: Error): void;
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const RESULT = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const INIT_ERROR = '/2018-06-01/runtime/init/error';

export async function startRuntimeApiStandIn(): Promise<RuntimeApiStandIn> {
  const queued: Pending[] = [];
  const inFlight = new Map<string, Pending>();
  const pollers: http.ServerResponse[] = [];
  const initErrors: RuntimeOutcome[] = [];
  const pollListeners: (() => void)[] = [];

  const handOut = (): void => {
    while (queued.length > 0 && pollers.length > 0) {
      const next = queued.shift() as Pending;
      const res = pollers.shift() as http.ServerResponse;
      inFlight.set(next.requestId, next);
      const { input } = next;
      const body = typeof input.payload === 'string' ? Buffer.from(input.payload) : input.payload;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': body.length,
        'lambda-runtime-aws-request-id': next.requestId,
        'lambda-runtime-deadline-ms': String(input.deadlineMs ?? Date.now() + 3_000),
        'lambda-runtime-invoked-function-arn':
          input.invokedFunctionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:firehose-ingress',
        'lambda-runtime-trace-id':
          input.traceId ??
          `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0`,
        ...(input.clientContext === undefined ? {} : { 'lambda-runtime-client-context': input.clientContext }),
      });
      res.end(body);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '';
      if (req.method === 'GET' && url === NEXT) {
        pollers.push(res);
        for (const listener of pollListeners.splice(0)) listener();
        res.on('close', () => pollers.includes(res) && pollers.splice(pollers.indexOf(res), 1));
        handOut();
        return;
      }
      const result = req.method === 'POST' ? RESULT.exec(url) : null;
      if (result) {
        const requestId = decodeURIComponent(result[1] as string);
        const pending = inFlight.get(requestId);
        if (!pending)
          return void res.writeHead(400).end('{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}');
        inFlight.delete(requestId);
        res.writeHead(202).end('{"status":"OK"}');
        pending.resolve({
          kind: result[2] === 'response' ? 'response' : 'error',
          requestId,
          headers: req.headers,
          body,
        });
        return;
      }
      if (req.method === 'POST' && url === INIT_ERROR) {
        const outcome: RuntimeOutcome = { kind: 'init-error', requestId: '', headers: req.headers, body };
        initErrors.push(outcome);
        res.writeHead(202).end('{"status":"OK"}');
        // As in Lambda: what waits for this sandbox gets the init error.
        for (const pending of [...queued.splice(0), ...inFlight.values()])
          pending.resolve({ ...outcome, requestId: pending.requestId });
        inFlight.clear();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initErrors,
    invoke: (input) =>
      new Promise<RuntimeOutcome>((resolve, reject) => {
        queued.push({ input, requestId: input.requestId ?? randomUUID(), resolve, reject });
        handOut();
      }),
    nextPoll: () => new Promise<void>((resolve) => pollListeners.push(resolve)),
    abandon(error) {
      for (const pending of [...queued.splice(0), ...inFlight.values()]) pending.reject(error);
      inFlight.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
