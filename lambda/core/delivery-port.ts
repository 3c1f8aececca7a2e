import type { OutboundCall } from './outbound-call';

/** How a call sent in-line ended. Every outcome means the data is safe: delivered, queued or parked. */
export type InlineOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** Spilled to the delivery queue: the partner was slow, failing, or the circuit is open. */
  | { readonly kind: 'queued'; readonly reason: string }
  /** Refused for good (e.g. 400, 401): parked in the dead-letter queue with the reason. */
  | { readonly kind: 'parked'; readonly status: number | undefined; readonly reason: string };

/**
 * The way out of the core: the real one sends over HTTP and SQS (lambda/delivery), the dry run logs.
 * Both throw only when data could be neither delivered nor queued; the invocation must then fail.
 */
export interface DeliveryPort {
  /** Sends now within the in-line deadline; on a retriable failure queues the call instead. */
  deliverInline(call: OutboundCall): Promise<InlineOutcome>;
  /** Queues the calls for the worker. Resolves once every one is accepted by the queue. */
  enqueue(calls: readonly OutboundCall[]): Promise<void>;
  /** Said once at start-up, e.g. "dry run: calls are logged, not sent". */
  readonly description: string;
  /** True when nothing is sent: invocations that made calls are then logged with `outcome: "dry-run"`. */
  readonly dryRun?: boolean;
}
