import { KitError, type KitErrorOptions } from '../common/errors';
import { ROUTES } from './routes';

/** The HTTP variant's errors, under `HttpError`: the refusals it answers with, and its tokens' problems. */
export abstract class HttpError extends KitError {}

/**
 * A refusal decided by the HTTP layer: the status, a short message for the caller (never a stack trace,
 * never a piece of the body) and the headers that go with it (`Allow`, `WWW-Authenticate`, `Retry-After`).
 */
export class HttpProblem extends HttpError {
  override readonly name = 'HttpProblem';
  /** The caller's request is at fault: the same request gets the same answer. */
  readonly retryable = false as const;
  constructor(
    override readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, status });
  }
}

const routeList = ROUTES.map((route) => route.path).join(', ');

/** Every refusal the HTTP layer makes, in one place so messages and headers stay consistent. */
export const problems = {
  notFound: () => new HttpProblem(404, `unknown path; POST Firehose messages to one of ${routeList}`),
  methodNotAllowed: () => new HttpProblem(405, 'method not allowed; use POST', { Allow: 'POST' }),
  tooLarge: (limitBytes: number) => new HttpProblem(413, `body larger than ${limitBytes} bytes`),
  notUtf8: () => new HttpProblem(400, 'body is not valid UTF-8'),
  /** `place`: where the text stops being JSON (`line 3 column 9, position 48`), never a piece of it. */
  malformedJson: (place?: string, cause?: unknown) =>
    new HttpProblem(400, `body is not valid JSON${place ? ` (at ${place})` : ''}`, {}, { cause }),
  // mParticle sends `Authorization: Token <token>` (docs/firehose-protocol.md, "Deployment"); the answer says no more than that.
  unauthorized: () =>
    new HttpProblem(401, 'a valid Authorization: Token header is required', { 'WWW-Authenticate': 'Token' }),
};

/** The token secret or TOKEN_ENV.tokens is malformed; the message names the problem, never a value. */
export class TokenConfigError extends HttpError {
  override readonly name = 'TokenConfigError';
  /** The setting itself must change: reading it again as it is cannot help (the token source says 503 meanwhile). */
  readonly retryable = false as const;
  constructor(message: string, options?: Pick<KitErrorOptions, 'cause'>) {
    super(message, options);
  }
}

/** Tokens could not be read: answered 503, so mParticle retries instead of dropping data on a 401. */
export class TokenSourceUnavailableError extends HttpError {
  readonly retryable = true as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'TokenSourceUnavailableError';
  }
}
