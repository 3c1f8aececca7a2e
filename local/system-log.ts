/** What the local system remembers for its status page: recent invocations and worker totals. */

export interface InvocationRecord {
  readonly at: string;
  readonly type: string;
  readonly outcome: string;
  readonly ms: number;
  readonly calls: number;
  readonly error?: string;
}

const KEEP = 50;

export class SystemLog {
  readonly startedAt = new Date().toISOString();
  private readonly invocations: InvocationRecord[] = [];
  private batches = 0;
  private records = 0;
  private failures = 0;

  constructor(private readonly onInvocation?: (record: InvocationRecord) => void) {}

  invocation(record: Omit<InvocationRecord, 'at'>): void {
    const entry = { at: new Date().toISOString(), ...record, ms: Math.round(record.ms * 100) / 100 };
    this.invocations.push(entry);
    this.onInvocation?.(entry);
    if (this.invocations.length > KEEP) this.invocations.shift();
  }

  workerBatch(records: number, failures: number): void {
    this.batches++;
    this.records += records;
    this.failures += failures;
  }

  recentInvocations(): readonly InvocationRecord[] {
    return [...this.invocations].reverse();
  }

  workerTotals(): { batches: number; records: number; failures: number } {
    return { batches: this.batches, records: this.records, failures: this.failures };
  }
}
