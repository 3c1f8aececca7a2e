/** The runtime loop's own errors: one it reports to Lambda with a Lambda error type, and a Runtime API that refuses. */

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

/** The Runtime API refused a call in a way the loop cannot recover from (500, or no request id). */
export class RuntimeApiError extends Error {
  override readonly name = 'RuntimeApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}
