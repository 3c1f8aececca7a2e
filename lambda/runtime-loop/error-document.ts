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

/** An error the loop itself raises with a Lambda error type (`Runtime.HandlerNotFound`, …). */
export class RuntimeLoopError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = errorType;
  }
}

export function errorDocument(error: unknown, fallbackType = 'Error'): ErrorDocument {
  if (error instanceof RuntimeLoopError) return { errorType: error.errorType, errorMessage: error.message, trace: [] };
  if (error instanceof Error) return { errorType: error.name || fallbackType, errorMessage: error.message, trace: [] };
  return {
    errorType: fallbackType,
    errorMessage: typeof error === 'string' ? error : 'non-error value thrown',
    trace: [],
  };
}

/** What the log gets about an error: the document plus the stack, on one line. */
export function errorLogFields(error: unknown): Record<string, unknown> {
  const { errorType, errorMessage } = errorDocument(error);
  return { errorType, errorMessage, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
}
