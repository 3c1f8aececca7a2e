/**
 * The vocabulary of `npm run certify`: what a target answers, and what a check concludes. No I/O here.
 */

/** How one message came back, whatever the transport. */
export interface Answer {
  /** Round trip from this machine, in ms. */
  readonly ms: number;
  /** The function's own duration from Lambda's REPORT line, when the target returns its log tail. */
  readonly functionMs?: number;
  /** `Init Duration` from the REPORT line: present only when the call started a new container. */
  readonly initMs?: number;
  /**
   * `ok`: a response document (Lambda result, HTTP 2xx). `function-error`: Lambda's FunctionError.
   * `http-error`: an HTTP status ≥ 400. `transport-error`: no answer at all (network, throttling, AWS error).
   */
  readonly outcome: 'ok' | 'function-error' | 'http-error' | 'transport-error';
  readonly status?: number;
  /** The raw answer text (response body, error document, or the transport error's message). */
  readonly text: string;
  /** `text` parsed as JSON, when it is JSON. */
  readonly body?: unknown;
}

export interface SendOptions {
  /** HTTP variant: send without the `Authorization` header (registration, and the refusal check). */
  readonly withoutToken?: boolean;
}

/** One endpoint of a deployment (or of the local system) that certify talks to. */
export interface Target {
  /** What the report shows in its region column: an AWS region, or `local`. */
  readonly region: string;
  /** Function name, alias ARN or URL, for the report (never a token). */
  readonly label: string;
  readonly transport: 'invoke' | 'http';
  /** mParticle's latency budget for this transport. */
  readonly budgetMs: number;
  send(payloadText: string, options?: SendOptions): Promise<Answer>;
}

export type CheckStatus = 'pass' | 'fail' | 'note';

export interface CheckResult {
  readonly check: string;
  readonly region: string;
  readonly target: string;
  readonly status: CheckStatus;
  /** Why it failed, or what was measured. Never holds a credential. */
  readonly detail: string;
  /** e.g. `12 ms`, or `p50 8 ms / p99 15 ms`. */
  readonly latency?: string;
}

/** A budget for mParticle's answer: 200 ms when it invokes a Lambda, 100 ms over HTTP. */
export const LATENCY_BUDGET_MS = { invoke: 200, http: 100 } as const;

/** mParticle's AWS accounts, which must be allowed to invoke the alias (docs/firehose-protocol.md, "Deployment"). */
export const MPARTICLE_ACCOUNTS = ['338661164609', '457804467337'] as const;

/** The memory mParticle asks for (docs/firehose-protocol.md, "Deployment"); the stack sets it. */
export const EXPECTED_MEMORY_MB = 1024;
