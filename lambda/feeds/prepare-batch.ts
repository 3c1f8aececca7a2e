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
  const sourceRequestId = (parsed as Record<string, unknown>)['source_request_id'];
  return {
    ref,
    json: text,
    bytes,
    route: decision.route,
    sourceRequestId: typeof sourceRequestId === 'string' ? sourceRequestId : undefined,
  };
}

export function isRejection(value: FeedBatch | BatchRejection): value is BatchRejection {
  return 'reason' in value;
}
