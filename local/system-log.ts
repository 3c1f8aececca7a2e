/** What the local system remembers for its status page and tells its terminal: invocations, refusals, worker events. */

export interface InvocationRecord {
  readonly at: string;
  readonly type: string;
  readonly outcome: string;
  readonly ms: number;
  readonly calls: number;
  readonly error?: string;
}

/** An HTTP-variant call answered with an error status (401 without a token, 400 for bad JSON, …). */
export interface RefusedCallRecord {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly reason: string;
}

/** A move of parked messages back to the delivery queue (`npm run redrive`, POST /_redrive). */
export interface RedriveRecord {
  readonly at: string;
  readonly moved: number;
  /** Parked messages that can never be opened (gone claim check, undecryptable settings): left parked. */
  readonly unopenable: number;
}

/** One sample of the queues' depth, for the status page's chart. */
export interface DepthSample {
  readonly at: string;
  /** Waiting plus in flight. */
  readonly queue: number;
  readonly deadLetter: number;
}

/** What the terminal running `npm start` is told as it happens, one line each. */
export interface ActivityListener {
  invocation?(record: InvocationRecord): void;
  refused?(record: RefusedCallRecord): void;
  /** A worker retry, a park in the dead-letter queue, a redrive, a reload. */
  activity?(line: string): void;
}

const KEEP = 50;
/** Points kept for the charts: five minutes of depth samples at one a second, the last 300 invocations. */
const KEEP_HISTORY = 300;

export class SystemLog {
  readonly startedAt = new Date().toISOString();
  private readonly invocations: InvocationRecord[] = [];
  private readonly refusals: RefusedCallRecord[] = [];
  private readonly redrives: RedriveRecord[] = [];
  private readonly latencies: Array<Pick<InvocationRecord, 'at' | 'ms' | 'outcome'>> = [];
  private readonly depths: DepthSample[] = [];
  private batches = 0;
  private records = 0;
  private failures = 0;

  constructor(private readonly listener: ActivityListener = {}) {}

  /** `tell: false` keeps it for the status page only (its terminal line is told elsewhere). */
  invocation(record: Omit<InvocationRecord, 'at'>, options: { readonly tell?: boolean } = {}): void {
    const entry = { at: new Date().toISOString(), ...record, ms: Math.round(record.ms * 100) / 100 };
    keep(this.invocations, entry);
    keep(this.latencies, { at: entry.at, ms: entry.ms, outcome: entry.outcome }, KEEP_HISTORY);
    if (options.tell !== false) this.listener.invocation?.(entry);
  }

  redriven(moved: number, unopenable = 0): void {
    keep(this.redrives, { at: new Date().toISOString(), moved, unopenable });
    this.activity(
      `redrive: moved ${moved} message(s) from the dead-letter queue back to the delivery queue` +
        (unopenable > 0 ? `, left ${unopenable} that cannot be opened` : ''),
    );
  }

  depth(queue: number, deadLetter: number): void {
    keep(this.depths, { at: new Date().toISOString(), queue, deadLetter }, KEEP_HISTORY);
  }

  refused(record: Omit<RefusedCallRecord, 'at'>): void {
    const entry = { at: new Date().toISOString(), ...record };
    keep(this.refusals, entry);
    this.listener.refused?.(entry);
  }

  activity(line: string): void {
    this.listener.activity?.(line);
  }

  workerBatch(records: number, failures: number): void {
    this.batches++;
    this.records += records;
    this.failures += failures;
  }

  /** Newest first, like every list on the status page. */
  recentInvocations(): readonly InvocationRecord[] {
    return [...this.invocations].reverse();
  }

  recentRefusals(): readonly RefusedCallRecord[] {
    return [...this.refusals].reverse();
  }

  recentRedrives(): readonly RedriveRecord[] {
    return [...this.redrives].reverse();
  }

  /** Oldest first, as the charts draw them. */
  latencyHistory(): ReadonlyArray<Pick<InvocationRecord, 'at' | 'ms' | 'outcome'>> {
    return [...this.latencies];
  }

  depthHistory(): readonly DepthSample[] {
    return [...this.depths];
  }

  workerTotals(): { batches: number; records: number; failures: number } {
    return { batches: this.batches, records: this.records, failures: this.failures };
  }
}

function keep<T>(list: T[], entry: T, limit = KEEP): void {
  list.push(entry);
  if (list.length > limit) list.shift();
}
