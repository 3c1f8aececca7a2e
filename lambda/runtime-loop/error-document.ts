import { RuntimeLoopError } from './errors';
/**
 * The error document posted to the Runtime API, in the form the managed Node.js runtime sends it:
 * `errorType`, `errorMessage` and `trace`. The trace is always empty: Lambda returns the document to the
 * caller, and a stack trace is no business of mParticle's (it goes to the log instead).
 */
export interface ErrorDocument {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** DEL becomes `%7F` in the type and message, as the managed runtime's client writes them. */
export function errorDocument(error: unknown, fallbackType = 'Error'): ErrorDocument {
  const document = (errorType: string, errorMessage: string): ErrorDocument => ({
    errorType: withoutDel(errorType),
    errorMessage: withoutDel(errorMessage),
    trace: [],
  });
  if (error instanceof RuntimeLoopError) return document(error.errorType, error.message);
  if (error instanceof Error) return document(error.name || fallbackType, error.message);
  return document(fallbackType, typeof error === 'string' ? error : 'non-error value thrown');
}

/** What the log gets about an error: the document plus the stack (and a wrapped error's stack), on one line. */
export function errorLogFields(error: unknown): Record<string, unknown> {
  const { errorType, errorMessage } = errorDocument(error);
  const cause = error instanceof RuntimeLoopError ? error.cause : undefined;
  return {
    errorType,
    errorMessage,
    ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    ...(cause === undefined
      ? {}
      : { cause: cause instanceof Error ? (cause.stack ?? String(cause)) : safeString(cause) }),
  };
}

/** String(value), which can itself throw (an object without a prototype, a throwing toString). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}

/** The client writes DEL as `%7F` in what it posts. */
export const withoutDel = (text: string): string => text.replaceAll('\x7f', '%7F');
