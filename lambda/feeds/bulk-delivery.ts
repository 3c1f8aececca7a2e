import { findFailedBatches, isUnreadable } from './accepted-body';
import { FeedAuthError, FeedResponseError } from './errors';
import type { BatchRejection, FeedBatch } from './feed-batch';
import { splitInHalves } from './request-packer';
import type { SendResult } from './retrying-send';

/** Why a run cannot go on. Batches not yet accepted stay unsent (and, in the CLI, un-checkpointed). */
export interface FeedStop {
  /** unconfirmed: a 2xx whose body could not be read, so which batches mParticle took is unknown. */
  readonly kind: 'auth' | 'unexpected-response' | 'retries-exhausted' | 'deadline' | 'interrupted' | 'unconfirmed';
  readonly message: string;
}

/** What became of every batch of one packed request: each lands in exactly one list. */
export interface DeliveryOutcome {
  readonly delivered: FeedBatch[];
  readonly rejected: BatchRejection[];
  /** Not accepted, but not refused either: must be sent again later (failed-retriable). */
  readonly unsent: FeedBatch[];
  stop: FeedStop | undefined;
  /** HTTP attempts made, retries included. */
  requests: number;
  retries: number;
}

export type SendBatches = (batches: readonly FeedBatch[]) => Promise<SendResult>;

/**
 * Delivers one request's batches. mParticle answers a whole bulk request with 400 when one batch
 * is bad, so a refused request is split in halves, recursively, until the culprit is alone: the
 * good batches go through and only the bad one is reported, with mParticle's message.
 * Costs about 2·log2(n) extra requests per bad batch.
 */
export async function deliverBatches(send: SendBatches, batches: readonly FeedBatch[]): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = {
    delivered: [],
    rejected: [],
    unsent: [],
    stop: undefined,
    requests: 0,
    retries: 0,
  };
  await deliverInto(send, batches, outcome);
  return outcome;
}

async function deliverInto(send: SendBatches, batches: readonly FeedBatch[], outcome: DeliveryOutcome): Promise<void> {
  if (batches.length === 0) return;
  if (outcome.stop) {
    outcome.unsent.push(...batches);
    return;
  }
  let result: SendResult;
  try {
    result = await send(batches);
  } catch (error) {
    if (error instanceof FeedAuthError) outcome.stop = { kind: 'auth', message: error.message };
    else if (error instanceof FeedResponseError) outcome.stop = { kind: 'unexpected-response', message: error.message };
    else throw error;
    outcome.unsent.push(...batches);
    return;
  }
  outcome.requests += result.attempts;
  outcome.retries += Math.max(0, result.attempts - 1);

  switch (result.kind) {
    case 'accepted': {
      // A 202 can still report failed batches: those are rejected with mParticle's words, never counted as sent.
      const failures = findFailedBatches(result.body, batches);
      if (isUnreadable(failures)) {
        // Neither sent nor rejected: left unrecorded, so the next run (or invocation retry) sends them again.
        outcome.unsent.push(...batches);
        outcome.stop = {
          kind: 'unconfirmed',
          message: `mParticle answered 202 for ${batches.length} batch(es) but ${failures.unreadable}; they may or may not have been processed, so they are not counted as sent (the next run sends them again; check mParticle for duplicates)`,
        };
        return;
      }
      const failed = new Map(failures.map((failure) => [failure.index, failure.message]));
      batches.forEach((batch, index) => {
        const message = failed.get(index);
        if (message === undefined) outcome.delivered.push(batch);
        else {
          const reason = `line ${batch.ref.line}: mParticle accepted the request but reported this batch failed: ${message}`;
          outcome.rejected.push({ ref: batch.ref, reason, origin: 'mparticle', text: batch.json });
        }
      });
      return;
    }
    case 'refused': {
      const [only] = batches;
      if (batches.length === 1 && only) {
        outcome.rejected.push({
          ref: only.ref,
          reason: `line ${only.ref.line}: ${result.message}`,
          origin: 'mparticle',
          text: only.json,
        });
        return;
      }
      const [left, right] = splitInHalves(batches);
      await deliverInto(send, left, outcome);
      await deliverInto(send, right, outcome);
      return;
    }
    case 'gave-up':
      outcome.unsent.push(...batches);
      // Out of time is not out of attempts: an S3 invocation continues where it stopped instead of failing.
      outcome.stop = {
        kind: result.deadline ? 'deadline' : 'retries-exhausted',
        message: `${batches.length} batch(es) not accepted: ${result.message}`,
      };
      return;
    case 'stopped':
      outcome.unsent.push(...batches);
      return;
  }
}
