import { createHash } from 'node:crypto';
import type { OutboundCall } from '../core/outbound-call';

/**
 * One captured Firehose message: the request as mParticle sent it (confidential settings removed), what
 * the kit answered, and a digest of every partner call it made. One JSON line per record in NDJSON objects.
 */
export interface CaptureRecord {
  readonly v: 1;
  readonly capturedAt: string;
  /** The function that captured it (`firehose-ingress`, `firehose-http`). */
  readonly service: string;
  readonly requestId?: string;
  readonly type?: string;
  readonly accountId?: number;
  /** The request's JSON text, exact (64-bit integers included), without confidential settings. */
  readonly request: string;
  /** The answer without its fresh `id` and `timestamp_ms`, so a replay can be compared with it. */
  readonly response?: Readonly<Record<string, unknown>>;
  /** The refusal or failure the caller saw instead of an answer. */
  readonly error?: string;
  readonly calls: readonly CallDigest[];
}

/** A partner call, identified without its body (which holds customer data already in `request`). */
export interface CallDigest {
  readonly path: string;
  readonly idempotencyKey: string;
  readonly bytes: number;
  readonly sha256: string;
}

export function digestCall(call: Pick<OutboundCall, 'path' | 'idempotencyKey' | 'bodyText'>): CallDigest {
  return {
    path: call.path,
    idempotencyKey: call.idempotencyKey,
    bytes: Buffer.byteLength(call.bodyText),
    sha256: createHash('sha256').update(call.bodyText).digest('hex'),
  };
}

/** A response as compared across runs: everything but the per-answer `id` and `timestamp_ms`. */
export function comparableResponse(response: object): Record<string, unknown> {
  const { id: _id, timestamp_ms: _timestamp, ...rest } = response as Record<string, unknown>;
  return rest;
}

export function isCaptureRecord(value: unknown): value is CaptureRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<CaptureRecord>;
  return (
    record.v === 1 &&
    typeof record.request === 'string' &&
    Array.isArray(record.calls) &&
    typeof record.capturedAt === 'string'
  );
}
