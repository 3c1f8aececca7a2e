import { routeBatch } from './batch-routing';
import { findBatchProblem } from './batch-validation';
import type { BatchRef, BatchRejection, FeedBatch } from './feed-batch';

export interface PrepareOptions {
  readonly maxBatchBytes: number;
  readonly historicalAfterDays: number;
  readonly nowMs: number;
}

/** Turns one NDJSON line into a batch to send, or a rejection whose reason names the line and field. */
export function prepareBatch(ref: BatchRef, lineText: string, options: PrepareOptions): FeedBatch | BatchRejection {
  const text = lineText.trim();
  const reject = (reason: string): BatchRejection => ({
    ref,
    reason: `line ${ref.line}: ${reason}`,
    origin: 'local',
    text,
  });

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    return reject(`not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  const problem = findBatchProblem(parsed, bytes, options.maxBatchBytes);
  if (problem !== undefined) return reject(problem);

  const decision = routeBatch(parsed as Record<string, unknown>, options.nowMs, options.historicalAfterDays);
  if ('problem' in decision) return reject(decision.problem);
  const batch = parsed as Record<string, unknown>;
  const sourceRequestId = batch['source_request_id'];
  return {
    ref,
    json: text,
    bytes,
    route: decision.route,
    sourceRequestId: typeof sourceRequestId === 'string' ? sourceRequestId : undefined,
    ...(carriesPartnerIdentities(batch) ? { partnerIdentities: true } : {}),
  };
}

/** Fields under which a batch may carry partner identities; any non-empty value counts. */
const PARTNER_IDENTITY_FIELDS = ['partner_identities', 'partner_identity'] as const;

function carriesPartnerIdentities(batch: Record<string, unknown>): boolean {
  return PARTNER_IDENTITY_FIELDS.some((field) => {
    const value = batch[field];
    if (value === undefined || value === null || value === '') return false;
    if (Array.isArray(value)) return value.length > 0;
    return typeof value !== 'object' || Object.keys(value).length > 0;
  });
}

export function isRejection(value: FeedBatch | BatchRejection): value is BatchRejection {
  return 'reason' in value;
}
