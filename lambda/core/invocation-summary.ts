import type { FirehoseRequestType, FirehoseResponse } from '../firehose';
import type { InlineOutcome } from './delivery-port';

export type Outcome =
  | 'registered'
  | 'verification'
  | 'nothing-to-send'
  | 'delivered'
  | 'queued'
  | 'parked'
  | 'mixed'
  | 'dry-run';

/** One line's worth of facts about an invocation, for the log and metrics. */
export interface InvocationSummary {
  readonly type: FirehoseRequestType;
  readonly requestId: string | undefined;
  readonly sourceId?: string;
  readonly accountId?: number;
  readonly events?: number;
  readonly skippedEvents?: number;
  readonly profiles?: number;
  readonly calls: number;
  readonly outcome: Outcome;
  /** Per call, how it ended (in-line kinds), for metrics. */
  readonly inline?: readonly InlineOutcome['kind'][];
  /** Something the operator should see although the request was answered normally (logged at warn). */
  readonly warning?: string;
  /** An event batch with no known events: the unknown types it held, with their counts. */
  readonly skippedEventTypes?: Readonly<Record<string, number>>;
  /** An event batch with no known events: the fields of user data it carried (wire names). */
  readonly carried?: readonly string[];
  /** A DSR request's `subject_request_type`, when it was not an erasure (null: absent). */
  readonly subjectRequestType?: string | null;
}

export interface ProcessResult {
  readonly response: FirehoseResponse;
  readonly summary: InvocationSummary;
}

/** One outcome for the calls sent in-line: theirs when they all ended alike, else 'mixed'. */
export function summarize(outcomes: readonly InlineOutcome[]): Outcome {
  if (outcomes.length === 0) return 'nothing-to-send';
  const kinds = new Set(outcomes.map((o) => o.kind));
  if (kinds.size > 1) return 'mixed';
  return outcomes[0]?.kind === 'delivered' ? 'delivered' : outcomes[0]?.kind === 'queued' ? 'queued' : 'parked';
}
