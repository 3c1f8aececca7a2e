import type http from 'node:http';
import { sendJson } from './lambda-invoke-api';
import type { InvocationRecord } from './system-log';

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
  readonly invocations: readonly InvocationRecord[];
  readonly deliveries: readonly { at: string; path: string; idempotencyKey: string; accepted: boolean; bytes: number }[];
  readonly worker: { readonly batches: number; readonly records: number; readonly failures: number };
}

export function createStatusRoutes(deps: { status: () => Promise<SystemStatus>; redrive: () => Promise<number> }) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
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
      sendJson(res, 200, { moved: await deps.redrive() });
      return true;
    }
    return false;
  };
}

const escape = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function table(headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${headers.length}">none yet</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderStatusPage(status: SystemStatus): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Firehose kit: local status</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.n{font-size:1.4em;font-weight:600}</style>
</head><body>
<h1>Firehose kit: local system</h1>
<p>Started ${escape(status.startedAt)} · partner ${escape(status.partner.url)}${status.partner.local ? ' (local stand-in)' : ''} · <a href="/_status.json">JSON</a></p>
<h2>Queues</h2>
${table(['queue', 'waiting', 'in flight'], [
  ['delivery', status.queue.visible, status.queue.inFlight],
  ['dead-letter', status.deadLetterQueue.visible, status.deadLetterQueue.inFlight],
])}
<p>Worker: ${status.worker.batches} batches, ${status.worker.records} records, ${status.worker.failures} failed attempts.</p>
<h2>Recent invocations</h2>
${table(['time', 'type', 'outcome', 'latency ms', 'partner calls', 'error'], status.invocations.map((i) => [i.at, i.type, i.outcome, i.ms, i.calls, i.error ?? '']))}
<h2>Recent deliveries to the partner</h2>
${table(['time', 'path', 'idempotency key', 'answer', 'bytes'], [...status.deliveries].reverse().map((d) => [d.at, d.path, d.idempotencyKey, d.accepted ? '2xx' : 'failed', d.bytes]))}
</body></html>`;
}
