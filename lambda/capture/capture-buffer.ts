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
  /** A local sink's idle flush, overridden (tests). @default the sink's `local.idleFlushMs` */
  readonly idleFlushMs?: number;
}

/**
 * Batches captured records into one NDJSON object per flush, so capturing costs one S3 write per
 * `maxRecords` answers instead of one per answer. Capturing is a debugging aid: a failed write is reported
 * and dropped, never retried into mParticle's latency, and records still buffered when a container is
 * retired are lost (at most `maxRecords`, or `maxAgeMs` worth). A local sink (a folder) loses nothing: the
 * buffer writes after a short idle time and when the process ends.
 */
export class CaptureBuffer {
  private records: string[] = [];
  private firstAt = 0;
  private sequence = 0;
  private readonly container = randomUUID().slice(0, 8);
  private readonly now: () => number;

  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CaptureBufferOptions) {
    this.now = options.now ?? Date.now;
    if (options.sink.local) flushAtExit(this);
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
    else this.flushWhenIdle();
  }

  private flushWhenIdle(): void {
    const idleMs = this.options.idleFlushMs ?? this.options.sink.local?.idleFlushMs;
    if (idleMs === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.track(this.flush()), idleMs);
    // Never keeps a process alive: the exit flush writes what is left.
    this.idleTimer.unref();
  }

  /** A local sink's last write, as the process ends: synchronous, since nothing asynchronous runs after. */
  flushSync(): void {
    const local = this.options.sink.local;
    if (local === undefined || this.records.length === 0) return;
    const { key, body, count } = this.take();
    try {
      local.putSync(key, body);
    } catch (error) {
      this.options.onFlushFailed(error, count);
    }
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
    clearTimeout(this.idleTimer);
    if (this.records.length === 0) return this.settled();
    const { key, body, count } = this.take();
    const write = this.options.sink.put(key, body).catch((error: unknown) => this.options.onFlushFailed(error, count));
    this.track(write);
    await this.settled();
  }

  /** Empties the buffer into one object's key and body. */
  private take(): { key: string; body: string; count: number } {
    clearTimeout(this.idleTimer);
    const lines = this.records;
    this.records = [];
    const at = new Date(this.firstAt).toISOString();
    // Sortable keys: the hour folder for --since, then time, container and sequence for uniqueness.
    const key =
      `${this.options.prefix}${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}/` +
      `${at.replace(/[:.]/g, '-')}-${this.options.service}-${this.container}-${++this.sequence}.ndjson`;
    return { key, body: `${lines.join('\n')}\n`, count: lines.length };
  }
}

/** Buffers with a local sink, written when the process ends (weakly held: a reload drops old functions). */
const atExit = new Set<WeakRef<CaptureBuffer>>();
let listening = false;

function flushAtExit(buffer: CaptureBuffer): void {
  if (!listening) {
    listening = true;
    process.on('exit', flushAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const onSignal = (): void => {
        flushAll();
        // Where the process has its own shutdown (npm start), that decides what follows. Alone, this
        // listener would keep the process alive: step aside and let the signal end it as it would have.
        if (process.listenerCount(signal) > 1) return;
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
  atExit.add(new WeakRef(buffer));
}

function flushAll(): void {
  for (const ref of atExit) {
    const buffer = ref.deref();
    if (buffer === undefined) atExit.delete(ref);
    else buffer.flushSync();
  }
}
