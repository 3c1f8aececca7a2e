import { isDeepStrictEqual } from 'node:util';
import type { DeliveryPort } from '../../lambda/core/delivery-port';
import { observedDelivery } from '../../lambda/core/observed-delivery';
import type { OutboundCall } from '../../lambda/core/outbound-call';
import type { ProcessResult } from '../../lambda/core/process-request';
import {
  comparableResponse,
  digestCall,
  type CallDigest,
  type CaptureRecord,
} from '../../lambda/capture/capture-record';
import { errorMessage } from '../../lambda/common/errors';

/** What became of one captured request when it ran again. */
export interface ReplayResult {
  readonly requestId: string | undefined;
  readonly type: string | undefined;
  readonly capturedAt: string;
  readonly same: boolean;
  /** What differs, one short phrase each (empty when `same`). */
  readonly differences: readonly string[];
}

/** Runs one request through the code under test: in-process (with its calls) or through an endpoint. */
export type ReplayTarget = (
  requestText: string,
) => Promise<{ response?: object; error?: string; calls?: readonly CallDigest[] }>;

/** A delivery port that records each call's digest for the replay to compare, then passes it on. */
export function recordingCalls(delivery: DeliveryPort): { port: DeliveryPort; take(): CallDigest[] } {
  let seen: CallDigest[] = [];
  const note = (call: OutboundCall): void => void seen.push(digestCall(call));
  return {
    port: observedDelivery(delivery, note),
    take() {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/** In-process target: the local ingress pipeline, its calls recorded (one request at a time). */
export function inProcessTarget(
  handle: (input: unknown) => Promise<ProcessResult>,
  calls: { take(): CallDigest[] },
): ReplayTarget {
  return async (requestText) => {
    calls.take();
    try {
      const { response } = await handle(Buffer.from(requestText, 'utf8'));
      return { response, calls: calls.take() };
    } catch (error) {
      return { error: errorMessage(error), calls: calls.take() };
    }
  };
}

export async function replayRecords(records: readonly CaptureRecord[], target: ReplayTarget): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const record of records) {
    const differences: string[] = [];
    if (record.request === '') {
      differences.push('not replayable: the captured input was not JSON');
    } else {
      const now = await target(record.request);
      if (record.error !== undefined || now.error !== undefined) {
        if (record.error !== now.error) differences.push(`error: ${record.error ?? 'none'} → ${now.error ?? 'none'}`);
      } else if (!isDeepStrictEqual(record.response, now.response && comparableResponse(now.response))) {
        differences.push('response differs');
      }
      if (now.calls !== undefined) differences.push(...compareCalls(record.calls, now.calls));
    }
    results.push({
      requestId: record.requestId,
      type: record.type,
      capturedAt: record.capturedAt,
      same: differences.length === 0,
      differences,
    });
  }
  return results;
}

function compareCalls(before: readonly CallDigest[], after: readonly CallDigest[]): string[] {
  if (before.length !== after.length) return [`partner calls: ${before.length} → ${after.length}`];
  const out: string[] = [];
  before.forEach((call, i) => {
    const again = after[i];
    if (again?.path !== call.path) out.push(`call ${i}: path ${call.path} → ${again?.path}`);
    else if (again.sha256 !== call.sha256)
      out.push(`call ${i} (${call.path}): body differs (${call.bytes} → ${again.bytes} bytes)`);
  });
  return out;
}
