/**
 * Reads the body of a 2xx answer to a bulk request. mParticle answers 202 even when some batches of
 * the array failed (docs/feeds.md, "Events API"), and documents no shape for that body beyond its
 * error envelope `{"errors":[{"code","message"}]}`. So the kit reads that envelope and attributes
 * each error to a batch by `index` (or `batch_index`: 0-based position in the request's array) or by
 * the batch's `source_request_id`. An error it cannot attribute counts against every batch of the
 * request: it is never silently counted as sent. A body the kit cannot read at all (not JSON, or cut
 * at the HTTP client's size limit) may name failures too, so it confirms nothing: the caller treats the
 * request's batches as unconfirmed (issue 22, item 9).
 */

export interface BatchIdentity {
  /** The batch's own `source_request_id`, when it has one. */
  readonly sourceRequestId?: string | undefined;
}

export interface FailedBatch {
  /** Position of the batch in the request. */
  readonly index: number;
  readonly message: string;
}

/** A 2xx body that could not be read: whether any batch failed is unknown. */
export interface UnreadableAcceptance {
  readonly unreadable: string;
}

export function isUnreadable(value: FailedBatch[] | UnreadableAcceptance): value is UnreadableAcceptance {
  return !Array.isArray(value);
}

export function findFailedBatches(
  body: string,
  batches: readonly BatchIdentity[],
): FailedBatch[] | UnreadableAcceptance {
  const errors = readErrors(body);
  if (!Array.isArray(errors)) return errors;
  if (errors.length === 0) return [];
  const failed = new Map<number, string[]>();
  const unattributed: string[] = [];
  for (const error of errors) {
    const index = attribute(error, batches);
    if (index === undefined) unattributed.push(describe(error));
    else failed.set(index, [...(failed.get(index) ?? []), describe(error)]);
  }
  if (unattributed.length > 0) {
    const note =
      batches.length === 1
        ? unattributed.join('; ')
        : `reported for the request of ${batches.length} batches without naming the batch ` +
          `(this one may have been processed): ${unattributed.join('; ')}`;
    batches.forEach((_, index) => failed.set(index, [...(failed.get(index) ?? []), note]));
  }
  return [...failed].sort(([a], [b]) => a - b).map(([index, messages]) => ({ index, message: messages.join('; ') }));
}

type ErrorEntry = Readonly<Record<string, unknown>>;

const EXCERPT_CHARS = 120;

function readErrors(body: string): ErrorEntry[] | UnreadableAcceptance {
  const text = body.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const excerpt = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
    return {
      unreadable: `the body (${Buffer.byteLength(text, 'utf8')} bytes read) is not JSON or was cut at the client's size limit: ${JSON.stringify(excerpt)}`,
    };
  }
  const errors = isObject(parsed) ? parsed['errors'] : undefined;
  return Array.isArray(errors) ? errors.map((error) => (isObject(error) ? error : { message: String(error) })) : [];
}

function attribute(error: ErrorEntry, batches: readonly BatchIdentity[]): number | undefined {
  for (const field of ['index', 'batch_index']) {
    const index = error[field];
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < batches.length) return index;
  }
  const id = error['source_request_id'];
  if (typeof id === 'string' && id !== '') {
    const index = batches.findIndex((batch) => batch.sourceRequestId === id);
    if (index !== -1) return index;
  }
  return undefined;
}

function describe(error: ErrorEntry): string {
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  const message = typeof error['message'] === 'string' ? error['message'] : undefined;
  const parts = [code, message].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join(': ') : JSON.stringify(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
