import { FirehoseInputError } from '../firehose';
import { jsonErrorPlace } from '../firehose/json-error-place';
import { isRetryable, KitError } from '../common/errors';
import { HttpProblem, problems } from './errors';

/** How an error is answered, and how loudly it is logged. */
export interface ErrorAnswer {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `none`: already logged where it was raised (the core's `rejected input`, the token check's RejectedAuth). */
  readonly log: 'none' | 'warn' | 'error';
}

/** Seconds mParticle is asked to wait before retrying a 503 (it backs off on its own as well). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The status for every error the HTTP handler can meet (docs/firehose-protocol.md, "Deployment": mParticle retries 408, 429,
 * 500, 502, 503, 504 and drops the data on any other error status):
 * - refusals of the HTTP layer keep their own status (404, 405, 413, 400, 401);
 * - bad input is 400 with the field path: final, retrying cannot fix it;
 * - malformed JSON, which @middy/http-json-body-parser throws as 415 (6.x) or 422 (7.x), is 400;
 * - anything transient (queue unreachable, tokens unreadable, the function about to time out) is 503 with
 *   Retry-After, so mParticle sends it again and nothing is lost;
 * - everything else is 500 (also retried) with a generic message; the cause goes to the log only.
 */
export function answerFor(
  error: unknown,
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
  /** The body's text, to name where malformed JSON breaks (line and column, never the text itself). */
  bodyText?: string,
): ErrorAnswer {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      message: error.message,
      headers: error.headers,
      log: error.status === 401 ? 'none' : 'warn',
    };
  }
  if (error instanceof FirehoseInputError) return { status: 400, message: error.message, headers: {}, log: 'none' };
  if (isJsonParserError(error)) {
    // The parser's own message may hold a position (never passed on: it quotes the body).
    const parserMessage = (error as { cause?: { message?: unknown } }).cause?.message;
    const place = bodyText === undefined ? undefined : jsonErrorPlace(bodyText, String(parserMessage ?? ''));
    const problem = problems.malformedJson(place);
    return { status: problem.status, message: problem.message, headers: {}, log: 'warn' };
  }
  if (isRetryable(error) || isMiddyTimeout(error)) {
    const retryAfterMs = error instanceof KitError ? error.retryAfterMs : undefined;
    const seconds = retryAfterMs === undefined ? retryAfterSeconds : Math.max(1, Math.ceil(retryAfterMs / 1000));
    return {
      status: 503,
      message: 'temporarily unavailable; retry later',
      headers: { 'Retry-After': String(seconds) },
      log: 'error',
    };
  }
  return { status: 500, message: 'internal error', headers: {}, log: 'error' };
}

/** Middy's HTTP errors carry `statusCode` and `expose`; the parser's also name their package in `cause`. */
function isJsonParserError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { statusCode, cause } = error as Error & { statusCode?: unknown; cause?: unknown };
  const fromParser =
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { package?: unknown }).package === '@middy/http-json-body-parser';
  return fromParser && (statusCode === 415 || statusCode === 422);
}

/** @middy/core throws this just before the Lambda timeout when the handler has not answered. */
function isMiddyTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
