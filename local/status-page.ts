import type http from 'node:http';
import { sendJson } from './lambda-invoke-api';
import type { RedriveReport } from '../lambda/delivery/redrive';
import type { ReceivedRequest } from './partner-api-stand-in';
import type { InvocationRecord, RefusedCallRecord } from './system-log';

/** The local system's status: `GET /_status` (HTML, refreshes itself), `GET /_status.json`, `POST /_redrive`. */

export interface QueueStatus {
  readonly url: string;
  readonly visible: number;
  readonly inFlight: number;
}

export interface SystemStatus {
  readonly startedAt: string;
  readonly partner: { readonly url: string; readonly local: boolean };
  readonly queue: QueueStatus;
  readonly deadLetterQueue: QueueStatus;
  /** Every list is newest first. */
  readonly invocations: readonly InvocationRecord[];
  /** HTTP-variant calls answered with an error status (401, 400, …). */
  readonly refusedHttpCalls: readonly RefusedCallRecord[];
  readonly deliveries: readonly DeliveryRecord[];
  readonly worker: { readonly batches: number; readonly records: number; readonly failures: number };
}

/** One call the partner stand-in received: its answer and which attempt of that idempotency key it was. */
export interface DeliveryRecord {
  readonly at: string;
  readonly path: string;
  readonly idempotencyKey: string;
  readonly accepted: boolean;
  /** The partner's status code; undefined when it gave none (connection reset, or still pending). */
  readonly status: number | undefined;
  readonly attempt: number;
  readonly bytes: number;
}

const KEEP = 50;

/** The latest deliveries, newest first, each numbered among the calls with its idempotency key. */
export function deliveriesOf(received: readonly ReceivedRequest[]): DeliveryRecord[] {
  const attempts = new Map<string, number>();
  const all = received.map((r) => {
    const idempotencyKey = String(r.headers['idempotency-key'] ?? '');
    const attempt = (attempts.get(idempotencyKey) ?? 0) + 1;
    attempts.set(idempotencyKey, attempt);
    const accepted = r.answered !== undefined && r.answered >= 200 && r.answered < 300;
    return {
      at: new Date(r.at).toISOString(),
      path: r.path,
      idempotencyKey,
      accepted,
      status: r.answered,
      attempt,
      bytes: Buffer.byteLength(r.bodyText),
    };
  });
  return all.slice(-KEEP).reverse();
}

export function createStatusRoutes(deps: {
  status: () => Promise<SystemStatus>;
  redrive: (max?: number) => Promise<RedriveReport>;
}) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/_status.json') {
      sendJson(res, 200, await deps.status());
      return true;
    }
    if (req.method === 'GET' && (path === '/_status' || path === '/')) {
      const html = renderStatusPage(await deps.status());
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return true;
    }
    if (req.method === 'POST' && path === '/_redrive') {
      const max = Number(url.searchParams.get('max') ?? Number.NaN);
      sendJson(res, 200, await deps.redrive(Number.isInteger(max) && max > 0 ? max : undefined));
      return true;
    }
    return false;
  };
}

const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function table(headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${headers.length}">none yet</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderStatusPage(status: SystemStatus): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Firehose kit: local status</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.n{font-size:1.4em;font-weight:600}</style>
</head><body>
<h1>Firehose kit: local system</h1>
<p>Started ${escapeHtml(status.startedAt)} · partner ${escapeHtml(status.partner.url)}${status.partner.local ? ' (local stand-in)' : ''} · <a href="/_status.json">JSON</a></p>
<h2>Queues</h2>
${table(
  ['queue', 'waiting', 'in flight'],
  [
    ['delivery', status.queue.visible, status.queue.inFlight],
    ['dead-letter', status.deadLetterQueue.visible, status.deadLetterQueue.inFlight],
  ],
)}
<p>Worker: ${status.worker.batches} batches, ${status.worker.records} records, ${status.worker.failures} failed attempts.</p>
<p>Every list: newest first.</p>
<h2>Recent invocations</h2>
${table(
  ['time', 'type', 'outcome', 'latency ms', 'partner calls', 'error'],
  status.invocations.map((i) => [i.at, i.type, i.outcome, i.ms, i.calls, i.error ?? '']),
)}
<h2>Refused HTTP calls (HTTP variant)</h2>
${table(
  ['time', 'call', 'status', 'reason'],
  status.refusedHttpCalls.map((r) => [r.at, `${r.method} ${r.path}`, r.status, r.reason]),
)}
<h2>Recent deliveries to the partner</h2>
${table(
  ['time', 'path', 'idempotency key', 'attempt', 'answer', 'bytes'],
  status.deliveries.map((d) => [d.at, d.path, d.idempotencyKey, d.attempt, answerOf(d), d.bytes]),
)}
</body></html>`;
}

function answerOf(delivery: DeliveryRecord): string {
  if (delivery.status === undefined) return 'failed: no answer';
  return delivery.accepted ? String(delivery.status) : `failed: ${delivery.status}`;
}
