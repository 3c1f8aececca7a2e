import type { DeliveryPort } from '../core/delivery-port';
import { observedDelivery } from '../core/observed-delivery';
import type { OutboundCall } from '../core/outbound-call';
import type { ProcessResult } from '../core/process-request';
import { stringifyJson } from '../firehose/json';
import { errorMessage } from '../common/errors';
import type { CaptureBuffer } from './capture-buffer';
import { comparableResponse, digestCall, type CallDigest, type CaptureRecord } from './capture-record';
import { stripConfidential } from './strip-confidential';

export type Handle = (input: unknown) => Promise<ProcessResult>;

export interface RequestCaptureOptions {
  readonly buffer: CaptureBuffer;
  readonly service: string;
  /** Share of requests captured, 0…1. */
  readonly sampleRate: number;
  readonly confidentialIds: ReadonlySet<string>;
  readonly random?: () => number;
}

/**
 * Opt-in capture of what mParticle sent: wraps an ingress runtime's `handle` (and its delivery port, to see
 * the partner calls) and records sampled requests, confidential settings removed, with the answer and a
 * digest of each call, for `npm run replay`. The answer itself is never changed or delayed by a failure here.
 */
export class RequestCapture {
  /** Calls seen per Firehose request id while at least one sampled request is in flight. */
  private readonly calls = new Map<string, CallDigest[]>();
  private inFlight = 0;
  private readonly random: () => number;

  constructor(private readonly options: RequestCaptureOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The delivery port as the core should see it: unchanged, but its calls are noted for sampled requests. */
  observe(delivery: DeliveryPort): DeliveryPort {
    const note = (call: OutboundCall): void => {
      if (this.inFlight === 0) return;
      const list = this.calls.get(call.requestId) ?? [];
      list.push(digestCall(call));
      this.calls.set(call.requestId, list);
    };
    return observedDelivery(delivery, note);
  }

  wrap(handle: Handle): Handle {
    return async (input) => {
      if (this.options.sampleRate <= 0 || this.random() >= this.options.sampleRate) return handle(input);
      this.inFlight++;
      try {
        const result = await handle(input);
        this.record(input, { result });
        return result;
      } catch (error) {
        this.record(input, { error });
        throw error;
      } finally {
        if (--this.inFlight === 0) this.calls.clear();
      }
    };
  }

  /** Writes everything buffered (at shutdown, or in tests). */
  flush(): Promise<void> {
    return this.options.buffer.flush();
  }

  /** Resolves when the S3 writes already started have ended; call it once the answer has been sent. */
  settled(): Promise<void> {
    return this.options.buffer.settled();
  }

  private record(input: unknown, outcome: { result: ProcessResult } | { error: unknown }): void {
    let request: string;
    try {
      const text =
        typeof input === 'string'
          ? input
          : input instanceof Uint8Array
            ? Buffer.from(input).toString('utf8')
            : stringifyJson(input);
      request = stripConfidential(text, this.options.confidentialIds);
    } catch {
      // Unreadable input holds nothing a replay could use, and may hold a secret in a form we cannot strip.
      request = '';
    }
    const summary = 'result' in outcome ? outcome.result.summary : undefined;
    const requestId = summary?.requestId;
    const record: CaptureRecord = {
      v: 1,
      capturedAt: new Date().toISOString(),
      service: this.options.service,
      ...(requestId === undefined ? {} : { requestId }),
      ...(summary === undefined ? {} : { type: summary.type }),
      ...(summary?.accountId === undefined ? {} : { accountId: summary.accountId }),
      request,
      ...('result' in outcome
        ? { response: comparableResponse(outcome.result.response) }
        : { error: errorMessage(outcome.error) }),
      calls: requestId === undefined ? [] : (this.calls.get(requestId) ?? []),
    };
    if (requestId !== undefined) this.calls.delete(requestId);
    this.options.buffer.add(record);
  }
}
