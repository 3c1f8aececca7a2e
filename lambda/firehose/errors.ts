/**
 * Raised when input cannot be handled as a Firehose request. `path` names the offending field in the form
 * `events[1].type`; the message never repeats field values (they may hold customer secrets), except the
 * unknown `type` string, which is what the reader needs to see.
 */
export class FirehoseInputError extends Error {
  override readonly name = 'FirehoseInputError';
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(path === '' ? reason : `${path}: ${reason}`, options);
  }
}
