/**
 * A command line a tool cannot act on (unknown flag, missing value, two targets at once). Every command-line
 * tool (scripts/, certify/, local/) throws this one: its entry point prints the message and its usage, and
 * exits with its usage code (64; `npm run feed`: 2), without a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
