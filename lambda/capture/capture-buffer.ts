import { randomUUID } from 'node:crypto';
import type { CaptureRecord } from './capture-record';
import type { CaptureSink } from './capture-sink';

export interface CaptureBufferOptions {
  readonly sink: CaptureSink;
  /** Key prefix, e.g. `captures/`; objects go under `<prefix>YYYY/MM/DD/HH/`. */
  readonly prefix: string;
  readonly service: string;
  /** Flush once this many records are buffered… */
  readonly maxRecords: number;
  /** …or the oldest buffered record is this old (checked when a record is added). */
  readonly maxAgeMs: number;
  readonly onFlushFailed: (error: unknown, records: number) => void;
  readonly now?: () => number;
}

/**
 * Batches captured records into one NDJSON object per flush, so capturing costs one S3 write per
 * `maxRecords` answers instead of one per answer. Capturing is a debugging aid: a failed write is reported
 * and dropped, never retried into mParticle's latency, and records still buffered when a container is
 * retired are lost (at most `maxRecords`, or `maxAgeMs` worth).
 */
export class CaptureBuffer {
  private records: string[] = [];
  private firstAt = 0;
  private sequence = 0;
  private readonly container = randomUUID().slice(0, 8);
  private readonly now: () => number;

  constructor(private readonly options: CaptureBufferOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Buffers a record. A flush it makes due starts at once but is not awaited: the answer to mParticle must
   * not wait for S3. `settled()` resolves when writes in progress have ended (the runtime loop calls it
   * after the answer is sent, while the sandbox still runs).
   */
  add(record: CaptureRecord): void {
    if (this.records.length === 0) this.firstAt = this.now();
    this.records.push(JSON.stringify(record));
    const due = this.records.length >= this.options.maxRecords || this.now() - this.firstAt >= this.options.maxAgeMs;
    if (due) this.track(this.flush());
  }

  settled(): Promise<void> {
    return Promise.all(this.inProgress).then(() => undefined);
  }

  private readonly inProgress = new Set<Promise<void>>();
  private track(write: Promise<void>): void {
    this.inProgress.add(write);
    void write.finally(() => this.inProgress.delete(write));
  }

  /** Writes what is buffered now, and waits for every write in progress. */
  async flush(): Promise<void> {
    if (this.records.length === 0) return this.settled();
    const lines = this.records;
    this.records = [];
    const at = new Date(this.firstAt).toISOString();
    // Sortable keys: the hour folder for --since, then time, container and sequence for uniqueness.
    const key =
      `${this.options.prefix}${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}/` +
      `${at.replace(/[:.]/g, '-')}-${this.options.service}-${this.container}-${++this.sequence}.ndjson`;
    const write = this.options.sink
      .put(key, `${lines.join('\n')}\n`)
      .catch((error: unknown) => this.options.onFlushFailed(error, lines.length));
    this.track(write);
    await this.settled();
  }
}
