import type { MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import { sleep } from '../common/retry';
import { encodePointer, readPointer, type ClaimCheck, type ClaimCheckStore } from './claim-check';
import { sqsSafeText } from './queue-message';
import { sqsSafeAttribute } from './sqs-attribute';
import { ClaimCheckNotConfiguredError, QueueUnavailableError } from './errors';
import { DELIVERY_ENV } from '../config/environment';

/** The delivery queue and its dead-letter queue, as the ingress and the worker use them. */

/** Why a message was parked, as dead-letter message attributes (never a secret: see redact.ts). */
export interface ParkingReason {
  readonly reason: string;
  readonly status?: number;
  readonly excerpt?: string;
  readonly attempts: number;
  /** The message can never be opened (claim-check object gone, sealed settings that do not decrypt). */
  readonly unopenable?: boolean;
}

/** The dead-letter attribute (`true`) that tells `npm run redrive` a message cannot be opened: not moved. */
export const UNOPENABLE_ATTRIBUTE = 'unopenable';

const MAX_BATCH_ENTRIES = 10;

/** Room kept in every message for the parking attributes, so any queued message can be parked as it is. */
export const PARKING_ATTRIBUTES_ROOM_BYTES = 2 * 1024;

const ENTRY_RETRIES = 3;

/** Longest parking reason and partner excerpt kept as attributes, in characters (escapes included). */
const REASON_CHARS = 1024;
const EXCERPT_CHARS = 1024;

/** SQS refused the request itself (a sender fault: its content), as opposed to being unavailable. */
function isRefusal(error: unknown): boolean {
  const fault = (error as { $fault?: unknown } | null)?.$fault;
  const name = (error as { name?: unknown } | null)?.name;
  return fault === 'client' && !/Throttl/i.test(String(name));
}

/**
 * The SQS SDK module and a client, loaded on first use, while in-line calls wait (spill-warm-up.ts), or at
 * the HTTP function's init.
 */
export type SqsConnection = { readonly api: typeof import('@aws-sdk/client-sqs'); readonly client: SQSClient };

export class DeliveryQueue {
  constructor(
    private readonly connect: () => Promise<SqsConnection>,
    readonly queueUrl: string,
    readonly deadLetterQueueUrl: string,
    private readonly maxMessageBytes: number,
    /** Where messages too large for SQS go; without it such a message fails to send. */
    private readonly claimChecks?: ClaimCheckStore,
  ) {}

  /**
   * The text SQS will accept for a body: refused characters escaped (exactly reversible, see sqsSafeText),
   * and, when it is still too large for one message, a claim-check pointer to the text kept in S3.
   */
  private async prepare(body: string): Promise<string> {
    const safe = sqsSafeText(body);
    const bytes = Buffer.byteLength(safe);
    if (bytes <= this.maxMessageBytes - PARKING_ATTRIBUTES_ROOM_BYTES) return safe;
    if (!this.claimChecks) throw new ClaimCheckNotConfiguredError(bytes, DELIVERY_ENV.claimCheckBucket);
    return encodePointer(await this.claimChecks.put(safe));
  }

  /** The message a received body stands for: itself, or the text its claim check points to. */
  async open(body: string): Promise<string> {
    const check = readPointer(body);
    if (!check) return body;
    if (!this.claimChecks) throw new ClaimCheckNotConfiguredError(check.bytes, DELIVERY_ENV.claimCheckBucket);
    return this.claimChecks.get(check);
  }

  /** After delivery: marks the claim-check object a body points to as delivered (its text is removed). */
  async release(body: string): Promise<void> {
    const check = readPointer(body);
    if (check) await this.claimChecks?.markDone(check, 'delivered');
  }

  /**
   * The body of a parked copy: a pointer is made to name a fresh copy of its object, so the lifecycle expiry
   * starts again at the parking and a late redrive still finds the text; returns the original pointer,
   * to be marked done once the copy is parked. Any other body is parked as it is.
   */
  private async keepAlive(body: string): Promise<{ body: string; original?: ClaimCheck }> {
    const check = readPointer(body);
    if (!check || !this.claimChecks) return { body };
    const copy = await this.claimChecks.copy(check);
    return copy ? { body: encodePointer(copy), original: check } : { body };
  }

  /**
   * Sends every body, ≤10 per SendMessageBatch call and under the byte limit per call; entries the batch
   * call reports as failed are sent again; a body too large for one message goes by claim check first.
   * Throws QueueUnavailableError (or ClaimCheckUnavailableError) if any body is not accepted.
   */
  async sendAll(original: readonly string[]): Promise<void> {
    const bodies = await Promise.all(original.map((body) => this.prepare(body)));
    const groups: string[][] = [];
    let group: string[] = [];
    let bytes = 0;
    for (const body of bodies) {
      const size = Buffer.byteLength(body);
      if (group.length === MAX_BATCH_ENTRIES || (group.length > 0 && bytes + size > this.maxMessageBytes)) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(body);
      bytes += size;
    }
    if (group.length > 0) groups.push(group);
    await Promise.all(groups.map((g) => this.sendGroup(g)));
  }

  private async sendGroup(bodies: readonly string[]): Promise<void> {
    let pending = bodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: { Id?: string; SenderFault?: boolean; Code?: string }[];
      try {
        const { api, client } = await this.connect();
        const out = await client.send(new api.SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        failed = out.Failed ?? [];
      } catch (cause) {
        if (attempt >= ENTRY_RETRIES)
          throw new QueueUnavailableError('delivery queue did not accept the messages', cause);
        await sleep(50 * attempt);
        continue;
      }
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault)
        throw new QueueUnavailableError(`delivery queue refused a message (${senderFault.Code ?? 'sender fault'})`);
      const failedIds = new Set(failed.map((f) => f.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
      if (pending.length > 0 && attempt >= ENTRY_RETRIES) {
        throw new QueueUnavailableError(`delivery queue failed ${pending.length} message(s) after ${attempt} attempts`);
      }
      if (pending.length > 0) await sleep(50 * attempt);
    }
  }

  /**
   * Writes a copy to the dead-letter queue with the reason as attributes. Resolves once SQS has it. Every
   * attribute is made text SQS accepts (sqsSafeAttribute); should the queue still refuse the copy with the
   * partner's excerpt, it is parked without it, so a parking never fails for what the partner answered.
   */
  async park(body: string, why: ParkingReason): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {
      reason: { DataType: 'String', StringValue: sqsSafeAttribute(why.reason, REASON_CHARS) || 'unknown' },
      attempts: { DataType: 'Number', StringValue: String(why.attempts) },
      parkedAt: { DataType: 'String', StringValue: new Date().toISOString() },
    };
    if (why.status !== undefined) attributes['status'] = { DataType: 'Number', StringValue: String(why.status) };
    if (why.unopenable) attributes[UNOPENABLE_ATTRIBUTE] = { DataType: 'String', StringValue: 'true' };
    const excerpt = why.excerpt ? sqsSafeAttribute(why.excerpt, EXCERPT_CHARS) : '';
    // SQS refuses an empty body; a parked copy must never be refused (that would loop the message forever).
    const text = body === '' ? '(empty message body)' : body;
    let MessageBody: string;
    let original: ClaimCheck | undefined;
    let api: SqsConnection['api'];
    let client: SQSClient;
    try {
      const kept = await this.keepAlive(text);
      original = kept.original;
      MessageBody = await this.prepare(kept.body);
      ({ api, client } = await this.connect());
    } catch (cause) {
      throw new QueueUnavailableError('dead-letter queue did not accept the message', cause);
    }
    const send = (MessageAttributes: Record<string, MessageAttributeValue>) =>
      client.send(new api.SendMessageCommand({ QueueUrl: this.deadLetterQueueUrl, MessageBody, MessageAttributes }));
    try {
      await send(excerpt ? { ...attributes, excerpt: { DataType: 'String', StringValue: excerpt } } : attributes);
    } catch (cause) {
      if (!excerpt || !isRefusal(cause))
        throw new QueueUnavailableError('dead-letter queue did not accept the message', cause);
      const reason = `${attributes['reason']?.StringValue} (excerpt left out: the dead-letter queue refused it)`;
      try {
        await send({ ...attributes, reason: { DataType: 'String', StringValue: reason } });
      } catch (again) {
        throw new QueueUnavailableError('dead-letter queue did not accept the message', again);
      }
    }
    // The parked copy names its own object now: a duplicate of the original pointer is acknowledged.
    if (original) await this.claimChecks?.markDone(original, 'parked');
  }

  /** Hides a received message for `seconds` (its next attempt), capped at SQS's 12 hours. */
  async delay(receiptHandle: string, seconds: number): Promise<void> {
    const VisibilityTimeout = Math.max(0, Math.min(43_200, Math.round(seconds)));
    const { api, client } = await this.connect();
    await client.send(
      new api.ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout,
      }),
    );
  }
}
