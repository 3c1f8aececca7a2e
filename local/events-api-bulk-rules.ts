/**
 * What mParticle's Events API bulk paths check in a well-authenticated request's body (docs/feeds.md,
 * "Events API"), as the local stand-in answers it: the refusals (400) and the 202 body naming failed batches.
 */

export const POISON_MESSAGE = 'Required event field "event_type" is missing or empty.';
export const PARTIAL_FAILURE_MESSAGE = 'Batch could not be processed: user_identities holds no usable identity.';

export interface BulkRefusal {
  readonly outcome: 'refused' | 'too-many';
  readonly message: string;
}

/** Each batch's `source_request_id` ('?' when absent); none when the body is not an array. */
export function batchIdsOf(parsed: unknown): string[] {
  const items: unknown[] = Array.isArray(parsed) ? parsed : [];
  return items.map((item) => String((item as { source_request_id?: unknown } | null)?.source_request_id ?? '?'));
}

/** Why the request is refused as a whole, checked in mParticle's order; undefined when the body is fine. */
export function refusalOf(
  parsed: unknown,
  ids: readonly string[],
  path: string,
  poisonedIds: ReadonlySet<string> | undefined,
): BulkRefusal | undefined {
  if (!Array.isArray(parsed)) return { outcome: 'refused', message: 'Request body must be a JSON array of batches.' };
  if (parsed.length > 100)
    return { outcome: 'too-many', message: 'You may not send more than 100 EVENT DATA items per request.' };
  if (ids.some((id) => poisonedIds?.has(id))) return { outcome: 'refused', message: POISON_MESSAGE };
  if (path.endsWith('/historical')) {
    const missing = parsed.find(
      (item) => typeof (item as { timestamp_unixtime_ms?: unknown }).timestamp_unixtime_ms !== 'number',
    );
    if (missing) return { outcome: 'refused', message: 'Historical batches need timestamp_unixtime_ms.' };
  }
  return undefined;
}

/** The 202 body listing batches that failed inside an accepted request, by index and id unless unattributed. */
export function partialFailureBody(ids: readonly string[], failedIndexes: readonly number[], attributed: boolean) {
  return {
    errors: failedIndexes.map((index) => ({
      code: 'VALIDATION_ERROR',
      message: PARTIAL_FAILURE_MESSAGE,
      ...(attributed ? { index, source_request_id: ids[index] } : {}),
    })),
  };
}
