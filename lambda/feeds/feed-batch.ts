import type { EventsApiRoute } from './events-api-endpoint';

/** Where a batch came from: a file (or S3 object) name and its 1-based line number. */
export interface BatchRef {
  readonly source: string;
  readonly line: number;
}

/**
 * One Events API batch ready to send. `json` is the line's own text, sent as is: re-serialising a
 * parsed object would round 64-bit numbers such as `mpid`.
 */
export interface FeedBatch {
  readonly ref: BatchRef;
  readonly json: string;
  /** UTF-8 size of `json`, what it adds to a request body. */
  readonly bytes: number;
  readonly route: EventsApiRoute;
  /** The batch's `source_request_id`, by which mParticle may name it in a 202 body. */
  readonly sourceRequestId?: string | undefined;
  /** It carries partner identities, which a Custom Feed does not accept (docs/feeds.md, "Testing with a Custom Feed"). */
  readonly partnerIdentities?: boolean;
}

/** A batch that will not be sent: refused by local checks or by mParticle (400). */
export interface BatchRejection {
  readonly ref: BatchRef;
  readonly reason: string;
  readonly origin: 'local' | 'mparticle';
  /** The line's text, kept so the rejection can be written out for someone to fix. */
  readonly text: string;
}
