import { requestBodyBytes } from './feed-limits';

export interface PackLimits {
  readonly maxBatchesPerRequest: number;
  readonly maxRequestBytes: number;
}

export interface Sized {
  readonly bytes: number;
}

/**
 * Groups batches, in order, into requests that respect both the count and the byte limit.
 * Streaming: `push` returns a full request as soon as the next batch would not fit.
 * An item too big to share a request still goes out alone (local validation keeps items under
 * the per-batch limit, which `checkFeedLimits` makes smaller than a request).
 */
export class RequestPacker<T extends Sized> {
  private pending: T[] = [];
  private pendingBytes = 0;

  constructor(private readonly limits: PackLimits) {}

  push(item: T): T[] | undefined {
    const fitsCount = this.pending.length < this.limits.maxBatchesPerRequest;
    const fitsBytes =
      requestBodyBytes(this.pending.length + 1, this.pendingBytes + item.bytes) <= this.limits.maxRequestBytes;
    let full: T[] | undefined;
    if (this.pending.length > 0 && !(fitsCount && fitsBytes)) full = this.take();
    this.pending.push(item);
    this.pendingBytes += item.bytes;
    return full;
  }

  /** The partial request left at the end, if any. */
  flush(): T[] | undefined {
    return this.pending.length > 0 ? this.take() : undefined;
  }

  get size(): number {
    return this.pending.length;
  }

  private take(): T[] {
    const full = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return full;
  }
}

/** Packs a whole list at once; the streaming packer's behaviour, for callers that hold everything. */
export function packIntoRequests<T extends Sized>(items: Iterable<T>, limits: PackLimits): T[][] {
  const packer = new RequestPacker<T>(limits);
  const requests: T[][] = [];
  for (const item of items) {
    const full = packer.push(item);
    if (full) requests.push(full);
  }
  const rest = packer.flush();
  if (rest) requests.push(rest);
  return requests;
}

/** Halves a request (the left half takes the odd one) for isolating a batch mParticle refuses. */
export function splitInHalves<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

export function renderRequestBody(items: readonly { readonly json: string }[]): string {
  return `[${items.map((item) => item.json).join(',')}]`;
}
