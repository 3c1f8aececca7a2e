import type { FirehoseRequestType } from '../firehose';

/** One call to the partner, ready to send or to queue. Carries secrets in memory only: never log it whole. */
export interface OutboundCall {
  readonly requestType: FirehoseRequestType;
  readonly requestId: string;
  /** `<request id>:<chunk index>`: the same for every retry of this call, by the kit or by mParticle. */
  readonly idempotencyKey: string;
  readonly chunk: { readonly index: number; readonly count: number };
  readonly accountId: number | undefined;
  readonly path: string;
  /** The JSON body, serialized once (64-bit integers exact). */
  readonly bodyText: string;
  /** Confidential account settings the call's auth needs; sealed before it is queued. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** What may be logged about a call. */
export function describeCall(call: OutboundCall): Record<string, unknown> {
  return {
    requestType: call.requestType,
    requestId: call.requestId,
    idempotencyKey: call.idempotencyKey,
    chunk: `${call.chunk.index + 1}/${call.chunk.count}`,
    accountId: call.accountId,
    path: call.path,
    bytes: Buffer.byteLength(call.bodyText),
  };
}
