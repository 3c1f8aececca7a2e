import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchRef } from './feed-batch';
import { progressObjectKey } from './feed-bucket-layout';
import type { FeedDestination } from './file-checkpoint';
import { LineRangeSet } from './line-range-set';
import type { HandledBatches, ProgressStore } from './progress-store';
import { ProgressSaver } from './progress-saver';

/** The upload a progress object belongs to: its key and content tag (a new upload starts over). */
export interface TrackedObject {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  /**
   * Where the lines go. Lines accepted by one pod (or with one key) were not sent to another: when a
   * customer's pod or key changes mid-upload, the upload starts afresh at the new destination.
   */
  readonly destination?: FeedDestination;
}

export interface StoredLineRejection {
  readonly line: number;
  readonly reason: string;
}

interface ProgressObjectV1 {
  readonly version: 1;
  readonly key: string;
  readonly etag: string;
  /** Absent in objects written before destinations were recorded (then trusted, as the CLI's checkpoint). */
  readonly destination?: FeedDestination;
  readonly done: [number, number][];
  readonly totals: { sent: number; historical: number; rejected: number };
  readonly rejections: StoredLineRejection[];
  /** Invocations that worked on the upload so far (this one included once it saves). */
  readonly invocations: number;
  readonly complete: boolean;
  readonly updatedAt: string;
}

/** Reasons are kept short: the object is rewritten after every request. */
const MAX_REASON_CHARS = 500;

/**
 * Progress of one S3 upload, kept as a small JSON object under progress/ (the Events API has no
 * idempotency key, so a retried or continued invocation must know what was already accepted).
 * Written after every acknowledged request; a write waits for the one before, so they never overlap.
 */
export class S3Progress implements ProgressStore {
  private readonly done: LineRangeSet;
  readonly totals: ProgressObjectV1['totals'];
  private readonly storedRejections: StoredLineRejection[];
  readonly invocations: number;
  private complete: boolean;
  private readonly saver = new ProgressSaver(
    () => this.writeNow(),
    () => `could not save progress of s3://${this.tracked.bucket}/${this.tracked.key}`,
  );

  private constructor(
    private readonly s3: S3Client,
    readonly tracked: TrackedObject,
    stored: ProgressObjectV1 | undefined,
  ) {
    this.done = new LineRangeSet(stored?.done ?? []);
    this.totals = { ...(stored?.totals ?? { sent: 0, historical: 0, rejected: 0 }) };
    this.storedRejections = [...(stored?.rejections ?? [])];
    this.invocations = (stored?.invocations ?? 0) + 1;
    this.complete = stored?.complete ?? false;
    this.saver.changed(); // the invocation count, even if no line is handled
  }

  /** What is stored for this key, whatever upload it belongs to; undefined when nothing is. */
  static async read(s3: S3Client, bucket: string, key: string): Promise<ProgressObjectV1 | undefined> {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: progressObjectKey(key) }));
      const parsed: unknown = JSON.parse((await answer.Body?.transformToString('utf8')) ?? '');
      return isProgressObject(parsed) ? parsed : undefined; // an unreadable object only costs a fresh start
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /**
   * Resumes the stored progress when it belongs to this very upload (same ETag) sent to the same destination;
   * starts afresh otherwise.
   */
  static async open(s3: S3Client, tracked: TrackedObject): Promise<S3Progress> {
    const stored = await S3Progress.read(s3, tracked.bucket, tracked.key);
    const same = stored?.etag === tracked.etag && sameDestination(stored.destination, tracked.destination);
    return new S3Progress(s3, tracked, same ? stored : undefined);
  }

  get isComplete(): boolean {
    return this.complete;
  }

  get handledLines(): number {
    return this.done.count;
  }

  get rejections(): readonly StoredLineRejection[] {
    return this.storedRejections;
  }

  isDone(ref: BatchRef): boolean {
    return this.done.has(ref.line);
  }

  markBlank(_source: string, fromLine: number, toLine: number): void {
    this.done.addRange(fromLine, toLine);
    this.saver.changed();
  }

  record(handled: HandledBatches): void {
    for (const batch of handled.delivered) {
      this.done.add(batch.ref.line);
      this.totals.sent += 1;
      if (batch.route === 'bulkevents/historical') this.totals.historical += 1;
    }
    for (const rejection of handled.rejected) {
      this.done.add(rejection.ref.line);
      this.totals.rejected += 1;
      this.storedRejections.push({ line: rejection.ref.line, reason: rejection.reason.slice(0, MAX_REASON_CHARS) });
    }
    this.saver.changed();
  }

  markComplete(): void {
    this.complete = true;
    this.saver.changed();
  }

  /** Resolves once a version holding everything recorded so far is stored. Writes never overlap. */
  persist(): Promise<void> {
    return this.saver.save();
  }

  private async writeNow(): Promise<void> {
    const content: ProgressObjectV1 = {
      version: 1,
      key: this.tracked.key,
      etag: this.tracked.etag,
      ...(this.tracked.destination === undefined ? {} : { destination: this.tracked.destination }),
      done: this.done.toJSON(),
      totals: { ...this.totals },
      rejections: [...this.storedRejections],
      invocations: this.invocations,
      complete: this.complete,
      updatedAt: new Date().toISOString(),
    };
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.tracked.bucket,
        Key: progressObjectKey(this.tracked.key),
        Body: JSON.stringify(content),
        ContentType: 'application/json',
      }),
    );
  }
}

function sameDestination(stored: FeedDestination | undefined, now: FeedDestination | undefined): boolean {
  if (stored === undefined || now === undefined) return true;
  return stored.endpoint === now.endpoint && stored.credentials === now.credentials;
}

function isProgressObject(value: unknown): value is ProgressObjectV1 {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ProgressObjectV1>;
  return (
    candidate.version === 1 &&
    typeof candidate.etag === 'string' &&
    Array.isArray(candidate.done) &&
    typeof candidate.totals === 'object' &&
    Array.isArray(candidate.rejections) &&
    typeof candidate.invocations === 'number'
  );
}
