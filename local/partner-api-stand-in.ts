import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server playing the partner's API on loopback, recording every request, with scripted faults.
 * Used by the tests and by `npm start`, where `POST /_control` with `{"status": 503}` (or `{"status": 200}`)
 * makes it fail (or heal) from outside.
 */

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly bodyText: string;
  readonly at: number;
  /** The status it was answered with; undefined while pending or when the connection was reset. */
  answered?: number;
}

export type Fault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'reset' };

/** Decides the fault for a request, or undefined to answer 200 at once. */
export type FaultScript = (request: ReceivedRequest) => Fault | undefined;

export interface PartnerServer {
  readonly url: string;
  /** Every request received, faulted ones included (the newest `keepLast` at least, oldest first). */
  readonly received: ReceivedRequest[];
  /** Requests answered 2xx (the newest `keepLast` at least). */
  readonly accepted: ReceivedRequest[];
  setFaults(script: FaultScript | undefined): void;
  stop(): Promise<void>;
}

export interface PartnerServerOptions {
  readonly port?: number;
  readonly host?: string;
  /**
   * How many requests `received` and `accepted` keep at least: `npm start` runs for hours, and every body
   * kept would stay in memory. Older ones are dropped in blocks of `keepLast`. @default all (tests count them)
   */
  readonly keepLast?: number;
}

export async function startPartnerServer(options: PartnerServerOptions = {}): Promise<PartnerServer> {
  const received: ReceivedRequest[] = [];
  const accepted: ReceivedRequest[] = [];
  const keepLast = options.keepLast ?? Number.POSITIVE_INFINITY;
  const remember = (list: ReceivedRequest[], request: ReceivedRequest): void => {
    list.push(request);
    // Dropping a block at a time keeps each push O(1) on average.
    if (list.length >= 2 * keepLast) list.splice(0, list.length - keepLast);
  };
  let script: FaultScript | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/_control') return control(Buffer.concat(chunks).toString('utf8'), res);
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        bodyText: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      remember(received, request);
      const fault = script?.(request);
      const ok = (): void => {
        remember(accepted, request);
        request.answered = 200;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (!fault) return ok();
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'slow') return void setTimeout(ok, fault.delayMs);
      request.answered = fault.status;
      res
        .writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
        .end(fault.body ?? '{"error":"scripted"}');
    });
  });
  const control = (text: string, res: http.ServerResponse): void => {
    let status = 200;
    try {
      status = Number((JSON.parse(text) as { status?: unknown }).status ?? 200);
    } catch {
      res.writeHead(400).end('{"error":"expected {\\"status\\": <code>}"}');
      return;
    }
    script = status >= 200 && status < 300 ? undefined : () => ({ kind: 'status', status });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ failing: script !== undefined, status }));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    received,
    accepted,
    setFaults: (next) => void (script = next),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
