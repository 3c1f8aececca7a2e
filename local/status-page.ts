import type http from 'node:http';
import { sendJson } from './lambda-invoke-api';
import type { RedriveReport } from '../lambda/delivery/redrive';
import type { ReceivedRequest } from './partner-api-stand-in';
import { escapeXml, timeChart } from './status-charts';
import type { DepthSample, InvocationRecord, RedriveRecord, RefusedCallRecord } from './system-log';

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
  /** What the dead-letter queue holds, with the reason each message was parked (newest first). */
  readonly deadLetters: readonly DeadLetterRecord[];
  readonly redrives: readonly RedriveRecord[];
  readonly worker: { readonly batches: number; readonly records: number; readonly failures: number };
  /** Oldest first: what the charts draw. */
  readonly history: {
    readonly latency: ReadonlyArray<Pick<InvocationRecord, 'at' | 'ms' | 'outcome'>>;
    readonly depth: readonly DepthSample[];
  };
}

/** A parked message: why it is in the dead-letter queue and which call it carries (never its body). */
export interface DeadLetterRecord {
  readonly parkedAt: string;
  readonly reason: string;
  /** The partner's status code, when it answered. */
  readonly status?: number;
  readonly attempts: number;
  /** The start of the partner's answer, scrubbed of the call's secrets. */
  readonly excerpt?: string;
  readonly path: string;
  readonly idempotencyKey: string;
  readonly requestType: string;
}

/** One call the partner stand-in received: its answer and which attempt of its message it was. */
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

/**
 * The latest deliveries, newest first, each numbered among the tries of its message. The partner sees only
 * the idempotency key, which a separate invocation of the same request (the same sample sent twice,
 * certify's repeats) shares: so a key's count starts again after the partner accepted it, and a try that
 * follows an accepted one is a new message's first.
 */
export function deliveriesOf(received: readonly ReceivedRequest[]): DeliveryRecord[] {
  const attempts = new Map<string, number>();
  const all = received.map((r) => {
    const idempotencyKey = String(r.headers['idempotency-key'] ?? '');
    const attempt = (attempts.get(idempotencyKey) ?? 0) + 1;
    const accepted = r.answered !== undefined && r.answered >= 200 && r.answered < 300;
    if (accepted) attempts.delete(idempotencyKey);
    else attempts.set(idempotencyKey, attempt);
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

const escapeHtml = escapeXml;

/** A cell is text (escaped) or `{ html }` already built from escaped parts. */
type Cell = unknown;

function table(headers: string[], rows: Cell[][], empty = 'none yet'): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const cell = (c: Cell): string =>
    typeof c === 'object' && c !== null && 'html' in c ? String((c as { html: string }).html) : escapeHtml(c);
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${headers.length}">${escapeHtml(empty)}</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** mParticle's latency budget for a direct invoke (docs/firehose-protocol.md). */
const INVOKE_BUDGET_MS = 200;

export function renderStatusPage(status: SystemStatus): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Firehose kit: local status</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.charts{display:flex;flex-wrap:wrap;gap:16px;margin-bottom:1em}
.chart{background:#fff;border:1px solid #ddd}.plot{fill:#fafafa;stroke:#ccc}.grid{stroke:#e4e4e4}
.tick{font-size:11px;fill:#555}.chart-title{font-size:13px;font-weight:600;fill:#222}.empty{font-size:12px;fill:#888}
.threshold{stroke:#c0392b;stroke-dasharray:6 4;stroke-width:1.5}.threshold-label{font-size:11px;fill:#c0392b}
.failed{color:#b03a2e}.excerpt{font-family:ui-monospace,monospace;font-size:12px;max-width:28em;overflow-wrap:anywhere}
</style>
</head><body>
<h1>Firehose kit: local system</h1>
<p>Started ${escapeHtml(status.startedAt)} · partner ${escapeHtml(status.partner.url)}${status.partner.local ? ' (local stand-in)' : ''} · <a href="/_status.json">JSON</a></p>
<div class="charts">
${latencyChart(status)}
${depthChart(status)}
</div>
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
<h2>Dead-letter queue: what is parked, and why</h2>
${table(
  ['parked', 'reason', 'partner answer', 'attempts', 'call', 'idempotency key', 'answer excerpt'],
  status.deadLetters.map((d) => [
    d.parkedAt,
    d.reason,
    d.status ?? 'none',
    d.attempts,
    `${d.requestType} ${d.path}`.trim(),
    d.idempotencyKey,
    { html: `<span class="excerpt">${escapeHtml(d.excerpt ?? '')}</span>` },
  ]),
  'nothing parked',
)}
<p>Move them back with <code>npm run redrive</code> (or <code>POST /_redrive</code>) once the partner is fixed.</p>
<h2>Redrives</h2>
${table(
  ['time', 'messages moved back', 'left parked (cannot be opened)'],
  status.redrives.map((r) => [r.at, r.moved, r.unopenable]),
  'none yet',
)}
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
  status.deliveries.map((d) => [
    d.at,
    d.path,
    d.idempotencyKey,
    d.attempt,
    d.accepted ? answerOf(d) : { html: `<span class="failed">${escapeHtml(answerOf(d))}</span>` },
    d.bytes,
  ]),
)}
</body></html>`;
}

function latencyChart(status: SystemStatus): string {
  const points = (outcomes: (outcome: string) => boolean) =>
    status.history.latency.filter((i) => outcomes(i.outcome)).map((i) => [Date.parse(i.at), i.ms] as const);
  const failed = (outcome: string) => outcome === 'rejected' || outcome === 'error';
  return timeChart({
    title: 'Invocation latency',
    unit: 'ms',
    threshold: { value: INVOKE_BUDGET_MS, label: `mParticle's ${INVOKE_BUDGET_MS} ms budget` },
    series: [
      { name: 'answered', color: '#2e86c1', style: 'dots', points: points((o) => !failed(o)) },
      { name: 'refused or failed', color: '#c0392b', style: 'dots', points: points(failed) },
    ],
  });
}

function depthChart(status: SystemStatus): string {
  const samples = status.history.depth.map((d) => ({ t: Date.parse(d.at), ...d }));
  return timeChart({
    title: 'Queue depth (messages)',
    unit: '',
    integers: true,
    series: [
      { name: 'delivery queue', color: '#2e86c1', style: 'line', points: samples.map((d) => [d.t, d.queue] as const) },
      {
        name: 'dead-letter queue',
        color: '#c0392b',
        style: 'line',
        points: samples.map((d) => [d.t, d.deadLetter] as const),
      },
    ],
  });
}

function answerOf(delivery: DeliveryRecord): string {
  if (delivery.status === undefined) return 'failed: no answer';
  return delivery.accepted ? String(delivery.status) : `failed: ${delivery.status}`;
}
