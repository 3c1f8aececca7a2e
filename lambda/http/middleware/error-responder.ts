import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { FirehoseHttpEvent, FunctionUrlResult } from '../function-url';
import { answerFor } from '../error-status';
import { jsonResponse } from '../json-response';

/**
 * Turns every error into a JSON answer `{"error": "…"}` with the status from error-status.ts. The answer
 * never holds a stack trace or any part of the body; the log keeps the cause, except for the JSON parser's
 * error, whose cause holds the whole body (which may hold customer secrets).
 */
export function errorResponder(options: {
  logger: Logger;
  retryAfterSeconds?: number;
}): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    onError: (request) => {
      const error = request.error;
      const answer = answerFor(error, options.retryAfterSeconds, request.event.rawBody);
      const facts = { status: answer.status, route: request.event.route?.path ?? request.event.rawPath };
      if (answer.log === 'warn') {
        options.logger.warn('refused a call', { ...facts, error: answer.message });
      } else if (answer.log === 'error') {
        options.logger.error(
          { message: `answered ${answer.status}`, ...facts },
          error instanceof Error ? error : String(error),
        );
      }
      request.response = jsonResponse(answer.status, { error: answer.message }, answer.headers);
    },
  };
}
