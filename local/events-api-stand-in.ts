import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { batchIdsOf, partialFailureBody, refusalOf } from './events-api-bulk-rules';

// Re-exported: tests match the stand-in's messages by these names.
export { PARTIAL_FAILURE_MESSAGE, POISON_MESSAGE } from './events-api-bulk-rules';

/**
 * A local stand-in for mParticle's Events API bulk paths (docs/feeds.md, "Events API"), with scripted
 * faults. Batches are identified by their `source_request_id`.
 */

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly body?: string }
  /** Destroys the socket before recording anything: the batches were not received. */
  | { readonly kind: 'reset' }
  /** Records the batches, then destroys the socket: the client cannot know they arrived. */
  | { readonly kind: 'reset-after-accept' };

export interface ReceivedRequest {
  readonly seq: number;
  readonly path: string;
  /** The API key the request authenticated with (undefined when it carried none); never the secret. */
  readonly account: string | undefined;
  readonly ids: readonly string[];
  readonly at: number;
  outcome:
    | 'accepted'
    | 'partially-failed'
    | 'refused'
    | 'unauthorized'
    | 'forbidden'
    | 'fault'
    | 'reset'
    | 'reset-after-accept'
    | 'too-many';
}

interface Account {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface FakeEventsApiOptions {
  readonly apiKey: string;
  readonly apiSecret: string;
  /**
   * More key/secret pairs this pod accepts: one per customer, as mParticle issues them per account. A
   * function is asked at each request (customers added while the stand-in runs).
   */
  readonly accounts?: readonly Account[] | (() => readonly Account[]);
  /** Any request holding one of these ids is refused with 400 and mParticle's error body. */
  readonly poisonedIds?: ReadonlySet<string>;
  /**
   * Batches with these ids fail inside an accepted request: the others are recorded, and the answer
   * is still 202, its body listing the failures in mParticle's error envelope.
   */
  readonly failedInsideAccepted?: ReadonlySet<string>;
  /** How a 202 body names a failed batch: by `index` and `source_request_id` (default), or not at all. */
  readonly failureAttribution?: 'indexed' | 'unattributed';
  /** Consulted for every well-authenticated request; undefined means behave normally. */
  readonly fault?: (request: {
    readonly seq: number;
    readonly ids: readonly string[];
    readonly path: string;
    /** The API key of the (authenticated) request: scripts faults per customer. */
    readonly account: string;
  }) => Fault | undefined;
  /** Delay before answering, to keep requests in flight (kill tests). */
  readonly delayMs?: number;
  /** Called once a request is recorded (before the answer is sent). */
  readonly onRequest?: (request: ReceivedRequest) => void;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
}

export interface FakeEventsApi {
  /** Base URL including the `/v2` path, like the pod URLs. */
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Accepted ids in arrival order (duplicates included). */
  readonly accepted: string[];
  /** id → endpoint path it was accepted on. */
  readonly acceptedPath: Map<string, string>;
  /** Every request body as received. */
  readonly bodiesSeen: string[];
  acceptedCount(id: string): number;
  close(): Promise<void>;
}

export async function startFakeEventsApi(options: FakeEventsApiOptions): Promise<FakeEventsApi> {
  // The API key whose Basic header this is, among every account this pod accepts.
  const accountOf = (authorization: string): string | undefined => {
    const extra = typeof options.accounts === 'function' ? options.accounts() : (options.accounts ?? []);
    return [{ apiKey: options.apiKey, apiSecret: options.apiSecret }, ...extra].find(
      (account) =>
        authorization === `Basic ${Buffer.from(`${account.apiKey}:${account.apiSecret}`).toString('base64')}`,
    )?.apiKey;
  };
  const requests: ReceivedRequest[] = [];
  const accepted: string[] = [];
  const acceptedPath = new Map<string, string>();
  const bodiesSeen: string[] = [];
  const counts = new Map<string, number>();

  const record = (ids: readonly string[], path: string): void => {
    for (const id of ids) {
      accepted.push(id);
      acceptedPath.set(id, path);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodiesSeen.push(body);
      const path = req.url ?? '';
      const seq = requests.length + 1;
      const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
        const send = (): void => {
          const text = payload === undefined ? '' : JSON.stringify(payload);
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(text);
        };
        if (options.delayMs) setTimeout(send, options.delayMs);
        else send();
      };
      const badRequest = (message: string): void => answer(400, { errors: [{ code: 'BAD_REQUEST', message }] });

      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined; // refused below as a malformed body
      }
      const ids = batchIdsOf(parsed);
      const authorization = req.headers.authorization;
      const account = authorization === undefined ? undefined : accountOf(authorization);
      const entry: ReceivedRequest = { seq, path, account, ids, at: Date.now(), outcome: 'accepted' };
      requests.push(entry);

      if (authorization === undefined) {
        entry.outcome = 'unauthorized';
        options.onRequest?.(entry);
        return answer(401);
      }
      if (account === undefined) {
        entry.outcome = 'forbidden';
        options.onRequest?.(entry);
        return answer(403, { errors: [{ code: 'FORBIDDEN', message: 'Invalid credentials.' }] });
      }
      if (req.method !== 'POST' || !(path === '/v2/bulkevents' || path === '/v2/bulkevents/historical')) {
        entry.outcome = 'fault';
        return answer(404);
      }
      options.onRequest?.(entry);
      const fault = options.fault?.({ seq, ids, path, account });
      if (fault?.kind === 'reset') {
        entry.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        entry.outcome = 'fault';
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
        res.writeHead(fault.status, { 'content-type': 'application/json', ...headers });
        return res.end(fault.body ?? '');
      }
      const refusal = refusalOf(parsed, ids, path, options.poisonedIds);
      if (refusal) {
        entry.outcome = refusal.outcome;
        return badRequest(refusal.message);
      }
      const failedIndexes = ids.flatMap((id, index) => (options.failedInsideAccepted?.has(id) ? [index] : []));
      record(
        ids.filter((_, index) => !failedIndexes.includes(index)),
        path,
      );
      if (fault?.kind === 'reset-after-accept') {
        entry.outcome = 'reset-after-accept';
        req.socket.destroy();
        return;
      }
      if (failedIndexes.length === 0) return answer(202);
      entry.outcome = 'partially-failed';
      answer(202, partialFailureBody(ids, failedIndexes, options.failureAttribution !== 'unattributed'));
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v2`,
    requests,
    accepted,
    acceptedPath,
    bodiesSeen,
    acceptedCount: (id) => counts.get(id) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
