import { promises as fs } from 'node:fs';
import type { BatchRef } from './feed-batch';
import { LineRangeSet } from './line-range-set';
import type { HandledBatches, ProgressStore } from './progress-store';
import { ProgressSaver } from './progress-saver';

/** Identity of an input file, so a checkpoint is never applied to different content. */
export interface InputFingerprint {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Where the checkpointed lines went: the Events API endpoint and the credentials' identity (a hash of
 * the key, never the secret). Progress to one destination says nothing about another (a local try-out
 * is not a delivery to the customer's pod).
 */
export interface FeedDestination {
  readonly endpoint: string;
  readonly credentials: string;
}

export interface CheckpointTotals {
  sent: number;
  historical: number;
  rejected: number;
}

export interface StoredRejection {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
}

interface CheckpointFileV1 {
  readonly version: 1;
  readonly updatedAt: string;
  /** Absent in checkpoints written before destinations were recorded. */
  readonly destination?: FeedDestination;
  readonly files: Record<string, { size: number; sha256: string; done: [number, number][] }>;
  readonly totals: CheckpointTotals;
  readonly rejections: StoredRejection[];
}

/** Kept reasons are capped so the file, rewritten after every request, stays small. */
const MAX_STORED_REJECTIONS = 1000;

export class CheckpointMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

/**
 * A JSON checkpoint file: handled line ranges per input, running totals and rejection reasons.
 * Written atomically (temporary file, fsync, rename), so a kill -9 leaves either the old or the
 * new version, never a torn one.
 */
export class FileCheckpoint implements ProgressStore {
  private readonly done = new Map<string, LineRangeSet>();
  private readonly fingerprints = new Map<string, InputFingerprint>();
  private readonly storedRejections: StoredRejection[];
  readonly totals: CheckpointTotals;
  /** Totals as they were when the checkpoint was opened: what earlier runs did. */
  readonly previous: Readonly<CheckpointTotals>;
  private readonly saver = new ProgressSaver(
    () => this.writeNow(),
    () => `could not write checkpoint ${this.path}`,
  );

  private constructor(
    readonly path: string,
    readonly destination: FeedDestination,
    inputs: readonly InputFingerprint[],
    stored: CheckpointFileV1 | undefined,
  ) {
    const recorded = stored?.destination;
    if (recorded && (recorded.endpoint !== destination.endpoint || recorded.credentials !== destination.credentials)) {
      throw new CheckpointMismatchError(
        `checkpoint ${path} records progress to ${recorded.endpoint} (credentials ${recorded.credentials}), not to ${destination.endpoint} (credentials ${destination.credentials}); leave --checkpoint out (each destination gets its own) or give another file`,
      );
    }
    for (const input of inputs) {
      const previous = stored?.files[input.name];
      if (previous && (previous.size !== input.size || previous.sha256 !== input.sha256)) {
        throw new CheckpointMismatchError(
          `${input.name} changed since checkpoint ${path} was written; delete the checkpoint to send the file from the start, or restore the original file`,
        );
      }
      this.fingerprints.set(input.name, input);
      this.done.set(input.name, new LineRangeSet(previous?.done ?? []));
    }
    this.totals = { ...(stored?.totals ?? { sent: 0, historical: 0, rejected: 0 }) };
    this.previous = { ...this.totals };
    this.storedRejections = [...(stored?.rejections ?? [])];
  }

  /** Opens (or starts) the checkpoint at `path` for these inputs. */
  static async open(
    path: string,
    destination: FeedDestination,
    inputs: readonly InputFingerprint[],
  ): Promise<FileCheckpoint> {
    let text: string | undefined;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`could not read checkpoint ${path}`, { cause: error });
    }
    return new FileCheckpoint(path, destination, inputs, text === undefined ? undefined : parseCheckpoint(text, path));
  }

  get rejections(): readonly StoredRejection[] {
    return this.storedRejections;
  }

  /** Lines already handled for an input (delivered, rejected or blank). */
  handledLines(source: string): number {
    return this.done.get(source)?.count ?? 0;
  }

  isDone(ref: BatchRef): boolean {
    return this.done.get(ref.source)?.has(ref.line) ?? false;
  }

  markBlank(source: string, fromLine: number, toLine: number): void {
    this.rangesOf(source).addRange(fromLine, toLine);
    this.saver.changed();
  }

  record(handled: HandledBatches): void {
    for (const batch of handled.delivered) {
      this.rangesOf(batch.ref.source).add(batch.ref.line);
      this.totals.sent += 1;
      if (batch.route === 'bulkevents/historical') this.totals.historical += 1;
    }
    for (const rejection of handled.rejected) {
      this.rangesOf(rejection.ref.source).add(rejection.ref.line);
      this.totals.rejected += 1;
      if (this.storedRejections.length < MAX_STORED_REJECTIONS) {
        this.storedRejections.push({
          source: rejection.ref.source,
          line: rejection.ref.line,
          reason: rejection.reason,
        });
      }
    }
    this.saver.changed();
  }

  /** Resolves once a version including everything recorded so far is on disk. Writes never overlap. */
  persist(): Promise<void> {
    return this.saver.save();
  }

  private rangesOf(source: string): LineRangeSet {
    let ranges = this.done.get(source);
    if (!ranges) {
      ranges = new LineRangeSet();
      this.done.set(source, ranges);
    }
    return ranges;
  }

  private async writeNow(): Promise<void> {
    const files: CheckpointFileV1['files'] = {};
    for (const [name, ranges] of this.done) {
      const fingerprint = this.fingerprints.get(name);
      if (fingerprint) files[name] = { size: fingerprint.size, sha256: fingerprint.sha256, done: ranges.toJSON() };
    }
    const content: CheckpointFileV1 = {
      version: 1,
      updatedAt: new Date().toISOString(),
      destination: this.destination,
      files,
      totals: this.totals,
      rejections: this.storedRejections,
    };
    // Serialised before the first await, so the text matches the version being written.
    const text = `${JSON.stringify(content, null, 1)}\n`;
    const temporary = `${this.path}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, this.path);
  }
}

function parseCheckpoint(text: string, path: string): CheckpointFileV1 {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new CheckpointMismatchError(
      `checkpoint ${path} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}); delete it to start over`,
    );
  }
  const candidate = parsed as Partial<CheckpointFileV1> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    candidate.version !== 1 ||
    typeof candidate.files !== 'object' ||
    candidate.files === null
  ) {
    throw new CheckpointMismatchError(`checkpoint ${path} is not a version 1 feed checkpoint; delete it to start over`);
  }
  return {
    version: 1,
    updatedAt: String(candidate.updatedAt ?? ''),
    ...(isDestination(candidate.destination) ? { destination: candidate.destination } : {}),
    files: candidate.files,
    totals: candidate.totals ?? { sent: 0, historical: 0, rejected: 0 },
    rejections: Array.isArray(candidate.rejections) ? candidate.rejections : [],
  };
}

function isDestination(value: unknown): value is FeedDestination {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<FeedDestination>;
  return typeof candidate.endpoint === 'string' && typeof candidate.credentials === 'string';
}
