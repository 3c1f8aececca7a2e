/**
 * What SQS refuses and the emulator accepts: the checks the strict layer (local/strict-aws-proxy.ts) makes
 * on SQS JSON-protocol requests before they reach fauxqs, answered with SQS's own error codes. The limits are
 * SQS's documented ones (SQS Developer Guide, "Amazon SQS quotas" and "Amazon SQS message attributes"; API
 * Reference, SendMessage, SendMessageBatch, ChangeMessageVisibility); docs/delivery-policy.md lists them.
 */

export const SQS_LIMITS = {
  /** A whole batch, summed over its messages' bodies and attributes. */
  batchBytes: 1_048_576,
  batchEntries: 10,
  messageAttributes: 10,
  maxDelaySeconds: 900,
  /** 12 hours. */
  maxVisibilityTimeoutSeconds: 43_200,
  attributeNameLength: 256,
} as const;

/** A refusal of the whole request: SQS's code, its message, and the legacy query code the SDK surfaces. */
export interface SqsRefusal {
  readonly code: string;
  readonly message: string;
  readonly queryCode: string;
}

/** One refused entry of a batch, as SQS lists it under `Failed`. */
export interface SqsEntryFailure {
  readonly Id: string;
  readonly SenderFault: true;
  readonly Code: string;
  readonly Message: string;
}

/** What the layer does with a request: refuse it, or forward it (a batch minus refused entries). */
export type SqsVerdict =
  | { readonly kind: 'refuse'; readonly refusal: SqsRefusal }
  | { readonly kind: 'forward'; readonly input: Record<string, unknown>; readonly failed: readonly SqsEntryFailure[] };

interface AttributeValue {
  readonly DataType?: unknown;
  readonly StringValue?: unknown;
  readonly BinaryValue?: unknown;
}

// SQS's allowed characters, by code point (a lone surrogate is refused, a pair above U+FFFF is allowed).
const REFUSED_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;

const invalidParameter = (message: string): SqsRefusal => ({
  code: 'InvalidParameterValue',
  queryCode: 'InvalidParameterValue',
  message,
});

/** The first refused character of a text, as `U+XXXX at index N`, or undefined when every one is allowed. */
export function refusedCharacter(text: string): string | undefined {
  const match = REFUSED_CHARACTER.exec(text);
  if (!match) return undefined;
  const code = match[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} at index ${match.index}`;
}

/** Bytes SQS counts for a message: the body, and each attribute's name, type and value (UTF-8). */
export function messageBytes(body: string, attributes: Readonly<Record<string, AttributeValue>>): number {
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(String(value.DataType ?? ''), 'utf8');
    if (typeof value.StringValue === 'string') bytes += Buffer.byteLength(value.StringValue, 'utf8');
    // The JSON protocol carries binary values base64-encoded; SQS counts the decoded bytes.
    if (typeof value.BinaryValue === 'string') bytes += Buffer.from(value.BinaryValue, 'base64').length;
  }
  return bytes;
}

/** Checks one message (of SendMessage or of a batch entry) against the queue's size limit. */
export function checkMessage(
  entry: Readonly<Record<string, unknown>>,
  maxMessageBytes: number,
): SqsRefusal | undefined {
  const body = typeof entry['MessageBody'] === 'string' ? entry['MessageBody'] : '';
  const attributes = (entry['MessageAttributes'] ?? {}) as Record<string, AttributeValue>;
  const bad = refusedCharacter(body);
  if (bad)
    return {
      code: 'InvalidMessageContents',
      queryCode: 'InvalidMessageContents',
      message: `Invalid characters found (${bad}). Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.`,
    };
  const names = Object.keys(attributes);
  if (names.length > SQS_LIMITS.messageAttributes)
    return invalidParameter(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${SQS_LIMITS.messageAttributes}].`,
    );
  for (const name of names) {
    const problem = checkAttribute(name, attributes[name] ?? {});
    if (problem) return problem;
  }
  const delay = entry['DelaySeconds'];
  if (typeof delay === 'number' && (delay < 0 || delay > SQS_LIMITS.maxDelaySeconds))
    return invalidParameter(
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${SQS_LIMITS.maxDelaySeconds}.`,
    );
  const bytes = messageBytes(body, attributes);
  if (bytes > maxMessageBytes)
    return invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maxMessageBytes} bytes (this one has ${bytes}).`,
    );
  return undefined;
}

function checkAttribute(name: string, value: AttributeValue): SqsRefusal | undefined {
  if (
    name.length > SQS_LIMITS.attributeNameLength ||
    !ATTRIBUTE_NAME.test(name) ||
    name.includes('..') ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    /^(aws|amazon)\./i.test(name)
  )
    return invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
  const type = String(value.DataType ?? '');
  const base = type.split('.')[0];
  if (base !== 'String' && base !== 'Number' && base !== 'Binary')
    return invalidParameter(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  if (base === 'Binary') return undefined;
  const text = value.StringValue;
  if (typeof text !== 'string' || text === '')
    return invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`);
  const bad = refusedCharacter(text);
  if (bad)
    return {
      code: 'InvalidMessageContents',
      queryCode: 'InvalidMessageContents',
      message: `Message (user) attribute '${name}' value contains invalid characters (${bad}).`,
    };
  if (base === 'Number' && !Number.isFinite(Number(text)))
    return invalidParameter(`Message (user) attribute '${name}' has an invalid value for type 'Number'.`);
  return undefined;
}

/**
 * SQS caps a message's visibility at 12 hours from the receive that gave `receiptHandle`: a change whose
 * timeout, counted from now, ends later than that is refused. `receivedAt` maps handles to their receive
 * time (ms); an unknown handle is left to the emulator.
 */
export function checkTotalVisibility(
  receiptHandle: unknown,
  timeoutSeconds: unknown,
  receivedAt: (handle: string) => number | undefined,
  nowMs: number,
): SqsRefusal | undefined {
  if (typeof receiptHandle !== 'string' || typeof timeoutSeconds !== 'number') return undefined;
  const since = receivedAt(receiptHandle);
  if (since === undefined) return undefined;
  const total = Math.floor((nowMs - since) / 1000) + timeoutSeconds;
  if (total <= SQS_LIMITS.maxVisibilityTimeoutSeconds) return undefined;
  return invalidParameter(
    `Value ${timeoutSeconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${SQS_LIMITS.maxVisibilityTimeoutSeconds} seconds].`,
  );
}

function checkVisibility(value: unknown): SqsRefusal | undefined {
  if (typeof value !== 'number' || (value >= 0 && value <= SQS_LIMITS.maxVisibilityTimeoutSeconds)) return undefined;
  return invalidParameter(
    `Value ${value} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${SQS_LIMITS.maxVisibilityTimeoutSeconds}.`,
  );
}

const BATCH_ACTIONS = new Set(['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch']);

/**
 * The verdict on one SQS JSON-protocol request (`action` from X-Amz-Target). `maxMessageBytes` is the
 * target queue's MaximumMessageSize. Checks that SQS makes per batch entry give per-entry failures, as
 * SQS reports them (HTTP 200 with `Failed` entries); the rest refuse the whole request.
 */
export function checkSqsRequest(
  action: string,
  input: Record<string, unknown>,
  maxMessageBytes: number,
  /** When each receipt handle was received (ms), for the 12-hour total; unknown handles are not checked. */
  receivedAt: (handle: string) => number | undefined = () => undefined,
  nowMs: number = Date.now(),
): SqsVerdict {
  const visibility = (entry: Readonly<Record<string, unknown>>): SqsRefusal | undefined =>
    checkVisibility(entry['VisibilityTimeout']) ??
    checkTotalVisibility(entry['ReceiptHandle'], entry['VisibilityTimeout'], receivedAt, nowMs);
  const refuse = (refusal: SqsRefusal): SqsVerdict => ({ kind: 'refuse', refusal });
  const forward: SqsVerdict = { kind: 'forward', input, failed: [] };
  if (BATCH_ACTIONS.has(action)) {
    const entries = Array.isArray(input['Entries']) ? (input['Entries'] as Record<string, unknown>[]) : [];
    if (entries.length > SQS_LIMITS.batchEntries)
      return refuse({
        code: 'TooManyEntriesInBatchRequest',
        queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        message: `Maximum number of entries per request are ${SQS_LIMITS.batchEntries}. You have sent ${entries.length}.`,
      });
    if (action === 'ChangeMessageVisibilityBatch') {
      const failed = entries.flatMap((entry) => {
        const problem = visibility(entry);
        return problem ? [entryFailure(entry, problem)] : [];
      });
      return splitBatch(input, entries, failed);
    }
    if (action !== 'SendMessageBatch') return forward;
    const total = entries.reduce(
      (sum, e) =>
        sum +
        messageBytes(
          typeof e['MessageBody'] === 'string' ? e['MessageBody'] : '',
          (e['MessageAttributes'] ?? {}) as Record<string, AttributeValue>,
        ),
      0,
    );
    if (total > SQS_LIMITS.batchBytes)
      return refuse({
        code: 'BatchRequestTooLong',
        queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong',
        message: `Batch requests cannot be longer than ${SQS_LIMITS.batchBytes} bytes. You have sent ${total} bytes.`,
      });
    const failed = entries.flatMap((entry) => {
      const problem = checkMessage(entry, maxMessageBytes);
      return problem ? [entryFailure(entry, problem)] : [];
    });
    return splitBatch(input, entries, failed);
  }
  if (action === 'SendMessage') {
    const problem = checkMessage(input, maxMessageBytes);
    return problem ? refuse(problem) : forward;
  }
  if (action === 'ChangeMessageVisibility') {
    const problem = visibility(input);
    return problem ? refuse(problem) : forward;
  }
  if (action === 'ReceiveMessage') {
    const problem = checkVisibility(input['VisibilityTimeout']);
    return problem ? refuse(problem) : forward;
  }
  return forward;
}

function entryFailure(entry: Readonly<Record<string, unknown>>, problem: SqsRefusal): SqsEntryFailure {
  return { Id: String(entry['Id'] ?? ''), SenderFault: true, Code: problem.code, Message: problem.message };
}

function splitBatch(
  input: Record<string, unknown>,
  entries: readonly Record<string, unknown>[],
  failed: readonly SqsEntryFailure[],
): SqsVerdict {
  if (failed.length === 0) return { kind: 'forward', input, failed };
  const refusedIds = new Set(failed.map((f) => f.Id));
  return {
    kind: 'forward',
    input: { ...input, Entries: entries.filter((e) => !refusedIds.has(String(e['Id'] ?? ''))) },
    failed,
  };
}
