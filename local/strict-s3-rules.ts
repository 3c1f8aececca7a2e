/**
 * What S3 refuses and the emulator accepts, for the requests the kit makes (claim checks, captures, feed
 * progress and rejected lines): object keys over 1,024 bytes and user metadata over 2 KB (S3 User Guide,
 * "Naming Amazon S3 objects" and "Working with object metadata"), and a conditional put (`If-None-Match: *`)
 * of a key that exists (S3 User Guide, "Add preconditions to S3 operations with conditional requests"; the
 * feed's wake-up claims rely on it). Path-style requests only, as the kit's local clients send them
 * (`/bucket/key`).
 */

export const S3_LIMITS = {
  keyBytes: 1_024,
  /** Sum of the UTF-8 bytes of each user metadata name (without `x-amz-meta-`) and value. */
  userMetadataBytes: 2_048,
} as const;

export interface S3Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** The precondition that did not hold, as S3 names it in the error body. */
  readonly condition?: string;
}

/** S3's answer to a conditional put of a key that already exists. */
export const PRECONDITION_FAILED: S3Refusal = {
  status: 412,
  code: 'PreconditionFailed',
  message: 'At least one of the pre-conditions you specified did not hold',
  condition: 'If-None-Match',
};

/**
 * The object (`/bucket/key`, as sent) a PUT writes only if it does not exist yet (`If-None-Match: *`), or
 * undefined when the request is not such a put. The caller checks the key and decides puts of one key one at
 * a time, as S3 does (S3 answers a race it has not decided yet with 409; deciding in turn never needs it).
 */
export function conditionalPutPath(
  method: string,
  rawPath: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  if (method !== 'PUT' || headers['if-none-match'] !== '*') return undefined;
  const path = rawPath.split('?')[0] ?? '';
  const slash = path.indexOf('/', 1);
  return slash < 0 || slash === path.length - 1 ? undefined : path;
}

/** The refusal S3 would answer for this request, or undefined. */
export function checkS3Request(
  method: string,
  rawPath: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): S3Refusal | undefined {
  if (method !== 'PUT' && method !== 'POST') return undefined;
  const path = rawPath.split('?')[0] ?? '';
  const slash = path.indexOf('/', 1);
  if (slash < 0) return undefined;
  const key = safeDecode(path.slice(slash + 1));
  if (Buffer.byteLength(key, 'utf8') > S3_LIMITS.keyBytes)
    return { status: 400, code: 'KeyTooLongError', message: 'Your key is too long' };
  let metadata = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    metadata += Buffer.byteLength(name.slice('x-amz-meta-'.length), 'utf8') + Buffer.byteLength(text, 'utf8');
  }
  if (metadata > S3_LIMITS.userMetadataBytes)
    return {
      status: 400,
      code: 'MetadataTooLarge',
      message: `Your metadata headers exceed the maximum allowed metadata size (${metadata} > ${S3_LIMITS.userMetadataBytes} bytes).`,
    };
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
